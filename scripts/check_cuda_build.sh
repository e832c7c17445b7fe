#!/usr/bin/env bash
# CI: the CUDA build of the whole program (what `scripts/setup.sh --cuda`
# builds: dvhpc against Kokkos with CUDA) compiles and links, on a machine
# without a GPU; then its no-GPU behaviour is checked.
#
#   scripts/check_cuda_build.sh          # CI's subset (below)
#   scripts/check_cuda_build.sh --full   # every target of build-cuda/
#
# 1. Builds Kokkos 3.4 with CUDA into .deps/kokkos-cuda if it is not there
#    (scripts/build-kokkos.sh cuda; ~1.5 min with 2 jobs).
# 2. Configures build-cuda/ (cmake/DvhpcKokkosCuda.cmake: the ~25 units that
#    include Kokkos through nvcc_wrapper for sm_80 and sm_90, the rest
#    through g++) and builds, reporting every failing unit (ninja -k 0).
#    "Device code calls a host function" (#20011/#20013/#20014) is an error.
#    CI's subset: dvhpc, the GPU tests, the benchmarks and the units of the
#    unit and MPI tests that include Kokkos (compiled, not linked). Left out:
#    the ~60 test units without Kokkos, plain g++ code that the OpenMP
#    build has just compiled and run, and the two test executables' links;
#    the full build takes about twice as long on CI's 2 cores
#    (README, "GPU builds"). --full builds them too.
# 3. Without a GPU the CUDA build must say so instead of aborting in
#    Kokkos::initialize: `dvhpc version` reports it, `dvhpc call` exits 5
#    naming it, the GPU tests print SKIP. (Run against the CUDA toolkit's
#    stub libcuda when no driver is installed: the program links libcuda.)
# Prints one result line: "OK: ...", "FAIL: ..." (exit 1) or
# "SKIP: nvcc not found ..." (exit 0, when there is no CUDA toolkit).
#
# Environment:
#   DVHPC_JOBS          parallel jobs (default nproc)
#   CUDACXX             nvcc (default /usr/local/cuda/bin/nvcc)
#   DVHPC_KOKKOS_CUDA   Kokkos CUDA prefix (default .deps/kokkos-cuda)
#   DVHPC_CUDA_BUILD    build directory (default build-cuda)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${DVHPC_JOBS:-$(nproc)}
nvcc=${CUDACXX:-/usr/local/cuda/bin/nvcc}
prefix=${DVHPC_KOKKOS_CUDA:-$root/.deps/kokkos-cuda}
build=${DVHPC_CUDA_BUILD:-$root/build-cuda}
full=0
case ${1:-} in
  --full) full=1 ;;
  "") ;;
  *) echo "check_cuda_build.sh: unknown option '$1' (--full or none)" >&2; exit 2 ;;
esac
start=$SECONDS

if [ ! -x "$nvcc" ]; then
  echo "SKIP: nvcc not found ($nvcc); CUDA build check not run"
  exit 0
fi
cuda_version=$("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')

if [ -f "$prefix/lib/cmake/Kokkos/KokkosConfig.cmake" ] && [ -x "$prefix/bin/nvcc_wrapper" ]; then
  echo "check_cuda_build: Kokkos (CUDA) present in $prefix"
else
  echo "check_cuda_build: building Kokkos (CUDA) into $prefix"
  CUDACXX=$nvcc DVHPC_JOBS=$jobs "$root/scripts/build-kokkos.sh" cuda "$prefix" ||
    { echo "FAIL: building Kokkos 3.4 with CUDA $cuda_version (see scripts/patches/README.md)"; exit 1; }
fi
kokkos_s=$((SECONDS - start))

mkdir -p "$build"
# A folder configured against another Kokkos cannot be reused.
if [ -f "$build/CMakeCache.txt" ] && ! grep -q "^Kokkos_DIR:PATH=$prefix/" "$build/CMakeCache.txt"; then
  rm -rf "$build" && mkdir -p "$build"
fi
if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKokkos_ROOT="$prefix" \
     -DCMAKE_CUDA_COMPILER="$nvcc" -DDVHPC_ENABLE_CUDA=ON > "$build/configure.log" 2>&1; then
  tail -20 "$build/configure.log"
  echo "FAIL: configuring the CUDA build against $prefix (log: $build/configure.log)"
  exit 1
fi
grep 'dvhpc:' "$build/configure.log" | sed 's/^-- /check_cuda_build: /'
targets=()
if [ $full -eq 0 ]; then
  targets=(dvhpc dvhpc_gpu_tests dvhpc_unit_tests_nvcc dvhpc_mpi_tests_nvcc nn_bench train_bench count_bench)
fi
log=$build/build.log
configure_s=$((SECONDS - start))
if ! cmake --build "$build" -j "$jobs" ${targets[@]:+--target "${targets[@]}"} -- -k 0 > "$log" 2>&1; then
  grep -E 'error:|error #|catastrophic|FAILED:|undefined reference' "$log" | grep -v 'nvcc_launch.sh ' | head -40
  n=$(grep -c '^FAILED:' "$log" || true)
  echo "FAIL: the CUDA build does not compile/link ($n failed build steps; log: $log)"
  exit 1
fi
build_s=$((SECONDS - start - configure_s))
nwarn=$(grep -Eci 'warning' "$log" || true)
[ "$nwarn" -eq 0 ] || grep -Ei 'warning' "$log" | sort | uniq -c | sort -rn | head -10

# No GPU here: the CUDA build must refuse clearly, not abort in Kokkos.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ldpath=${LD_LIBRARY_PATH:-}
if ! ldconfig -p | grep -q 'libcuda\.so\.1 '; then
  stubs=$(dirname "$nvcc")/../lib/stubs
  [ -e "$stubs/libcuda.so.1" ] || { mkdir -p "$build/stubs" && ln -sf "$(readlink -f "$stubs/libcuda.so")" "$build/stubs/libcuda.so.1"; stubs=$build/stubs; }
  ldpath=$stubs${ldpath:+:$ldpath}
fi
smoke=ok
if nvidia-smi -L > /dev/null 2>&1; then
  smoke="not checked (this machine has a GPU)"
else
  v=$(LD_LIBRARY_PATH=$ldpath "$build/dvhpc" version 2>&1) || { echo "$v"; smoke="dvhpc version failed"; }
  grep -q 'Kokkos: not started: this dvhpc is the CUDA build' <<< "$v" || smoke="dvhpc version does not say that Kokkos needs a GPU"
  rc=0
  c=$(LD_LIBRARY_PATH=$ldpath "$build/dvhpc" call --set reference=x.fa --set reads=x.bam 2>&1) || rc=$?
  { [ $rc -eq 5 ] && grep -q 'needs a CUDA device' <<< "$c"; } || { echo "$c"; smoke="dvhpc call without a GPU: exit $rc, not 5 with a clear message"; }
  t=$(LD_LIBRARY_PATH=$ldpath "$build/tests/dvhpc_gpu_tests" 2>&1) || { echo "$t"; smoke="dvhpc_gpu_tests failed without a GPU"; }
  grep -q '^SKIP: this dvhpc is the CUDA build' <<< "$t" || smoke="dvhpc_gpu_tests does not SKIP without a GPU"
fi
[ "$smoke" = ok ] || [ "$smoke" = "not checked (this machine has a GPU)" ] || { echo "FAIL: $smoke"; exit 1; }
total_s=$((SECONDS - start))
what="CI subset: dvhpc, GPU tests, benchmarks, Kokkos test units"
[ $full -eq 0 ] || what="full build"
echo "OK: the CUDA build compiles and links ($what; CUDA $cuda_version, Kokkos units for sm_80 and sm_90;" \
     "$nwarn warning lines; no-GPU behaviour $smoke; ${total_s}s: Kokkos ${kokkos_s}s, build ${build_s}s)"
