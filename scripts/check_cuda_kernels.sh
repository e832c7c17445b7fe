#!/usr/bin/env bash
# Proves that dvhpc's Kokkos kernels (kernels/*.hpp and their host wrappers
# kernels/*.cpp) compile and link for Kokkos' CUDA backend, on a machine
# without a GPU. See kernels/cuda_check/CMakeLists.txt.
#
#   scripts/check_cuda_kernels.sh
#
# 1. Builds Kokkos 3.4 with CUDA into .deps/kokkos-cuda if it is not there
#    (scripts/build-kokkos.sh cuda; ~1.5 min with 2 jobs).
# 2. Configures and builds kernels/cuda_check in build-cuda-check/: a static
#    library of the kernels compiled by nvcc (sm_80) and an executable that
#    calls every host wrapper, linked against Kokkos' CUDA libraries.
# Prints one result line: "OK: ...", "FAIL: ..." (exit 1) or
# "SKIP: nvcc not found ..." (exit 0, when there is no CUDA toolkit).
#
# Environment:
#   DVHPC_JOBS          parallel jobs (default nproc)
#   CUDACXX             nvcc (default /usr/local/cuda/bin/nvcc)
#   CXX                 host compiler behind nvcc_wrapper (default g++)
#   DVHPC_KOKKOS_CUDA   Kokkos CUDA prefix (default .deps/kokkos-cuda)
#   DVHPC_CUDA_CHECK_BUILD  build directory (default build-cuda-check)
#   DVHPC_CUDA_RUN=1    also run the smoke test (needs a GPU and a CUDA 13
#                       capable driver; without one Kokkos aborts at start)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${DVHPC_JOBS:-$(nproc)}
nvcc=${CUDACXX:-/usr/local/cuda/bin/nvcc}
prefix=${DVHPC_KOKKOS_CUDA:-$root/.deps/kokkos-cuda}
build=${DVHPC_CUDA_CHECK_BUILD:-$root/build-cuda-check}
start=$SECONDS

if [ ! -x "$nvcc" ]; then
  echo "SKIP: nvcc not found ($nvcc); CUDA kernel compile check not run"
  exit 0
fi
cuda_version=$("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')

if [ -f "$prefix/lib/cmake/Kokkos/KokkosConfig.cmake" ] && [ -x "$prefix/bin/nvcc_wrapper" ]; then
  echo "check_cuda_kernels: Kokkos (CUDA) present in $prefix"
else
  echo "check_cuda_kernels: building Kokkos (CUDA) into $prefix"
  CUDACXX=$nvcc DVHPC_JOBS=$jobs "$root/scripts/build-kokkos.sh" cuda "$prefix" ||
    { echo "FAIL: building Kokkos 3.4 with CUDA $cuda_version (see scripts/patches/README.md)"; exit 1; }
fi
kokkos_s=$((SECONDS - start))

# nvcc_wrapper finds nvcc on PATH and the host compiler here.
export PATH="$(dirname "$nvcc"):$PATH"
export NVCC_WRAPPER_DEFAULT_COMPILER=${CXX:-g++}
mkdir -p "$build"
log=$build/build.log
gen=(); command -v ninja > /dev/null && gen=(-G Ninja)
# A build dir configured against another prefix/compiler cannot be reused.
if [ -f "$build/CMakeCache.txt" ] &&
   ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$prefix/bin/nvcc_wrapper" "$build/CMakeCache.txt"; then
  rm -rf "$build" && mkdir -p "$build"
fi
if ! cmake -S "$root/kernels/cuda_check" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
     -DKokkos_ROOT="$prefix" -DCMAKE_CXX_COMPILER="$prefix/bin/nvcc_wrapper" > "$build/configure.log" 2>&1; then
  tail -20 "$build/configure.log"
  echo "FAIL: configuring kernels/cuda_check against $prefix (log: $build/configure.log)"
  exit 1
fi
# -k 0 (ninja) / -k (make): report every failing translation unit, not just the first.
keep=(-k 0); [ ${#gen[@]} -eq 0 ] && keep=(-k)
if ! cmake --build "$build" -j "$jobs" -- "${keep[@]}" > "$log" 2>&1; then
  grep -E 'error:|error #|catastrophic|FAILED:|undefined reference' "$log" | grep -v '^/.*nvcc_wrapper ' | head -40
  n=$(grep -c '^FAILED:' "$log" || true)
  echo "FAIL: dvhpc kernels do not compile/link for Kokkos CUDA ($n failed build steps; log: $log)"
  exit 1
fi
nwarn=$(grep -Eci 'warning' "$log" || true)
[ "$nwarn" -eq 0 ] || grep -Ei 'warning' "$log" | head -20

ran="linked, not run"
if [ "${DVHPC_CUDA_RUN:-0}" = 1 ]; then
  if out=$("$build/cuda_link_check" 2>&1); then
    ran="smoke test passed on the GPU"
  else
    echo "$out" | tail -20
    echo "FAIL: cuda_link_check (smoke test on the GPU) failed"
    exit 1
  fi
fi
total_s=$((SECONDS - start))
echo "OK: dvhpc kernels compile and link for Kokkos CUDA (CUDA $cuda_version, sm_80; $ran;" \
     "$nwarn warning lines; ${total_s}s, of which Kokkos ${kokkos_s}s)"
