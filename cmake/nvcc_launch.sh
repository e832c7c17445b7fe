#!/usr/bin/env bash
# Compiler launcher of the Kokkos units in the CUDA build (cmake/DvhpcKokkosCuda.cmake):
#
#   nvcc_launch.sh [--ccache] NVCC_WRAPPER NVCC_BIN_DIR CXX ARGS...
#
# runs NVCC_WRAPPER ARGS... in place of CXX ARGS..., with nvcc's folder first
# on PATH (nvcc_wrapper calls plain `nvcc`) and CXX as nvcc's host compiler.
# --ccache (when the build was configured with CMAKE_CXX_COMPILER_LAUNCHER
# ccache): compiles run under ccache, which takes nvcc_wrapper's g++-style
# arguments as a gcc's (CCACHE_COMPILERTYPE=gcc).
set -euo pipefail
ccache=0
if [ "$1" = --ccache ]; then ccache=1; shift; fi
wrapper=$1 nvcc_bin=$2 cxx=$3
shift 3
export PATH="$nvcc_bin:$PATH"
export NVCC_WRAPPER_DEFAULT_COMPILER=${NVCC_WRAPPER_DEFAULT_COMPILER:-$cxx}
if [ $ccache = 1 ]; then
  CCACHE_COMPILERTYPE=gcc exec ccache "$wrapper" "$@"
fi
exec "$wrapper" "$@"
