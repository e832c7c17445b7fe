#!/usr/bin/env bash
# Build Kokkos 3.4.01 from Debian's trilinos source package into a local prefix.
#
#   scripts/build-kokkos.sh openmp PREFIX   # Serial + OpenMP backends (CI, CPU nodes)
#   scripts/build-kokkos.sh cuda   PREFIX   # Serial + OpenMP + CUDA (sm_80 code, runs on A100/H100)
#
# Why build it: Debian's libtrilinos-kokkos-dev is Serial-only and its CMake
# target has a wrong include path. The trilinos 13.2 source tarball carries
# Kokkos 3.4.01 in packages/kokkos, which builds standalone.
# The 159 MB tarball is cached in ${DVHPC_CACHE:-~/.cache/dvhpc} so fresh
# clones on the same machine do not download it again.
set -euo pipefail
variant=${1:?usage: build-kokkos.sh openmp|cuda PREFIX}
prefix=${2:?usage: build-kokkos.sh openmp|cuda PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
cache=${DVHPC_CACHE:-$HOME/.cache/dvhpc}
jobs=${DVHPC_JOBS:-$(nproc)}
mkdir -p "$cache"

tarball=$(ls "$cache"/trilinos_*.orig.tar.* 2>/dev/null | head -n1 || true)
if [ -z "$tarball" ]; then
  if [ ! -e /etc/apt/sources.list.d/dvhpc-deb-src.sources ]; then
    echo "setup: adding a deb-src entry for Debian bookworm (needed by 'apt-get source trilinos')"
    cat > /etc/apt/sources.list.d/dvhpc-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -q
  fi
  (cd "$cache" && apt-get source --download-only trilinos)
  tarball=$(ls "$cache"/trilinos_*.orig.tar.* | head -n1)
fi

src="$cache/kokkos-src"
if [ ! -f "$src/CMakeLists.txt" ]; then
  echo "setup: extracting packages/kokkos from $(basename "$tarball")"
  rm -rf "$src" "$cache/extract" && mkdir -p "$cache/extract"
  tar -xf "$tarball" -C "$cache/extract" --wildcards '*/packages/kokkos/*'
  mv "$cache"/extract/*/packages/kokkos "$src"
  rm -rf "$cache/extract"
fi
grep -q 'Kokkos_VERSION_PATCH 01' "$src/CMakeLists.txt" ||
  echo "setup: warning: expected Kokkos 3.4.01 in $src" >&2

opts=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_CXX_STANDARD=17
      -DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_OPENMP=ON -DBUILD_SHARED_LIBS=OFF
      -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DKokkos_ENABLE_TESTS=OFF)
work="$cache/kokkos-$variant"
if [ "$variant" = cuda ]; then
  # CUDA 13 removed or changed APIs that Kokkos 3.4 uses; our patches fix them
  # (see scripts/patches/README.md).
  work="$cache/kokkos-cuda-src"
  rm -rf "$work" && cp -r "$src" "$work"
  for p in "$here"/patches/kokkos-3.4-cuda13-*.patch; do
    [ -e "$p" ] || continue
    echo "setup: applying $(basename "$p")"
    patch -d "$work" -p1 --forward < "$p"
  done
  nvcc=${CUDACXX:-/usr/local/cuda/bin/nvcc}
  opts+=(-DKokkos_ENABLE_CUDA=ON -DKokkos_ENABLE_CUDA_LAMBDA=ON -DKokkos_ARCH_AMPERE80=ON
         -DCMAKE_CXX_COMPILER="$work/bin/nvcc_wrapper")
  export NVCC_WRAPPER_DEFAULT_COMPILER=${CXX:-g++}
  # Architecture nvcc_wrapper uses when a compile names none (CMake's compiler
  # check); honoured by the nvcc-wrapper-arch patch. Kokkos itself passes -arch=sm_80.
  export NVCC_WRAPPER_DEFAULT_ARCH=${NVCC_WRAPPER_DEFAULT_ARCH:-sm_80}
  export PATH="$(dirname "$nvcc"):$PATH"
  src="$work"
elif [ "$variant" != openmp ]; then
  echo "build-kokkos.sh: unknown variant '$variant' (openmp or cuda)" >&2; exit 2
fi

build="$cache/build-kokkos-$variant"
rm -rf "$build"
cmake -S "$src" -B "$build" -G Ninja "${opts[@]}" > "$cache/kokkos-$variant-configure.log" 2>&1 ||
  { tail -30 "$cache/kokkos-$variant-configure.log"; exit 1; }
cmake --build "$build" -j "$jobs" > "$cache/kokkos-$variant-build.log" 2>&1 ||
  { tail -40 "$cache/kokkos-$variant-build.log"; exit 1; }
cmake --install "$build" > /dev/null
rm -rf "$build"
echo "setup: Kokkos ($variant) installed in $prefix"
