#!/usr/bin/env bash
# Installs what dvhpc needs on Debian bookworm and builds it. Idempotent:
# installed packages, the Kokkos prefix and the build directory are reused.
#
#   scripts/setup.sh            # packages + Kokkos (OpenMP) + build in ./build
#   scripts/setup.sh --cuda     # packages + Kokkos with CUDA (.deps/kokkos-cuda) + the
#                               # CUDA build in ./build-cuda: Kokkos kernels on the GPU
#                               # (needs nvcc; the program then needs a GPU to run)
#   scripts/setup.sh --no-build # dependencies only
#
# Environment: BUILD_DIR (default build, or build-cuda with --cuda),
# DVHPC_JOBS (default nproc), DVHPC_CACHE (download cache, default ~/.cache/dvhpc),
# CUDACXX (nvcc, default /usr/local/cuda/bin/nvcc).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cuda=0 build=1
for a in "$@"; do
  case $a in
    --cuda) cuda=1 ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$a' (see --help)" >&2; exit 2 ;;
  esac
done
jobs=${DVHPC_JOBS:-$(nproc)}
if [ $cuda -eq 1 ]; then
  build_dir=${BUILD_DIR:-$root/build-cuda}
  nvcc=${CUDACXX:-/usr/local/cuda/bin/nvcc}
  [ -x "$nvcc" ] || { echo "setup.sh: --cuda needs nvcc ($nvcc not found; set CUDACXX)" >&2; exit 2; }
else
  build_dir=${BUILD_DIR:-$root/build}
fi

# Debian packages: toolchain, MPI, parallel HDF5, htslib, Boost, yaml-cpp,
# doctest, spdlog, oneDNN, the independent tools the tests compare with, and
# pysam for the training-data scripts (scripts/add_*.py) and their tests.
packages=(build-essential cmake ninja-build pkg-config dpkg-dev patch
  openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools libhts-dev
  libboost-program-options-dev libyaml-cpp-dev doctest-dev libspdlog-dev libfmt-dev libdnnl-dev liblapack-dev
  libopenblas0-pthread
  ocl-icd-opencl-dev opencl-headers
  samtools bcftools tabix plink2 bwa art-nextgen-simulation-tools python3 python3-numpy python3-h5py python3-pysam python3-sklearn)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# Kokkos 3.4.01 with OpenMP (Debian's is Serial-only), into a git-ignored prefix.
kokkos=$root/.deps/kokkos-openmp
if [ -f "$kokkos/lib/cmake/Kokkos/KokkosConfig.cmake" ]; then
  echo "setup: Kokkos (OpenMP) present in $kokkos"
else
  DVHPC_JOBS=$jobs "$root/scripts/build-kokkos.sh" openmp "$kokkos"
fi
if [ $cuda -eq 1 ]; then
  kc=$root/.deps/kokkos-cuda
  if [ -f "$kc/lib/cmake/Kokkos/KokkosConfig.cmake" ]; then
    echo "setup: Kokkos (CUDA) present in $kc"
  else
    CUDACXX=$nvcc DVHPC_JOBS=$jobs "$root/scripts/build-kokkos.sh" cuda "$kc"
  fi
fi

[ $build -eq 1 ] || exit 0
if [ $cuda -eq 1 ]; then
  # The whole program against the CUDA Kokkos: the units that include
  # Kokkos go through its nvcc_wrapper, the rest through g++
  # (cmake/DvhpcKokkosCuda.cmake); the cuDNN/cuBLAS/NCCL code as always.
  # A folder configured against the OpenMP Kokkos cannot be switched.
  if [ -f "$build_dir/CMakeCache.txt" ] && ! grep -q "^Kokkos_DIR:PATH=$kc/" "$build_dir/CMakeCache.txt"; then
    echo "setup.sh: $build_dir is configured against another Kokkos; remove it or set BUILD_DIR" >&2
    exit 2
  fi
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKokkos_ROOT="$kc" \
    -DCMAKE_CUDA_COMPILER="$nvcc" -DDVHPC_ENABLE_CUDA=ON >/dev/null
else
  # The CPU build: Kokkos on OpenMP, networks on oneDNN, no CUDA libraries
  # linked (the GPU build is --cuda's build-cuda/), so this build is also
  # what the OpenMP bundle packs (scripts/bundle.sh).
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKokkos_ROOT="$kokkos" \
    -DDVHPC_ENABLE_CUDA=OFF >/dev/null
fi
cmake --build "$build_dir" -j "$jobs"
echo "setup: built $build_dir/dvhpc"
