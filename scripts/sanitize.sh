#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer, part of
# ASan) build of the library, tests and binary in build-asan/, then ctest
# under it. GCC (the compiler of the normal build, so ccache and the prebuilt
# Kokkos are reused), -O1 -g -fno-omit-frame-pointer, libstdc++'s container
# bounds checks (_GLIBCXX_ASSERTIONS: an index past a std::string's size
# but inside its capacity is invisible to ASan), UB fatal. Any report makes
# the process exit non-zero, so the test that triggered it fails.
#
#   scripts/sanitize.sh            # every test (about 3x the normal suite's time)
#   scripts/sanitize.sh --ci       # the CI subset (below)
#   scripts/sanitize.sh -R eval    # extra arguments go to ctest
#   scripts/sanitize.sh --no-build -R cli_   # test what build-asan/ holds
#
# The CI subset (--ci): every unit-test case, run as one process (ctest
# would start one process per case, ~200, each paying ASan's, MPI's and
# Kokkos's start-up: that was most of the unit tests' 786 s under ctest);
# mpi_np1 and mpi_np2; and the CLI tests in ci_cli: bad_input (config and
# region errors of every command), call_outputs (call's outputs: VCF, gVCF,
# HDF5 at 1 and 2 ranks, temporaries and renames, the HDF5 write failure)
# and eval_cli. The other CLI tests run the same code on more inputs or
# ranks (the failure matrix and the bad-input catalogue are ~150 short runs
# each; joint, gVCF and PCA end to end; gp, train and sim are loops whose
# kernels the unit tests run under the sanitizers): under ASan with DWARF
# unwinding a CLI test took 90-150 s here against 1-75 s in the normal
# build, so they are left to a full run (`scripts/sanitize.sh`, no --ci).
# Times: perf/RESULTS.md (Sanitizers).
# Suppressions (scripts/sanitizers/*.supp) are for third-party code only,
# each entry with its reason; dvhpc's own frames are never suppressed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-asan}
jobs=${DVHPC_JOBS:-$(nproc)}
ci=0 build_first=1
while [ $# -gt 0 ]; do
  case $1 in
    --ci) ci=1; shift ;;
    --no-build) build_first=0; shift ;;  # test what build-asan/ holds
    *) break ;;
  esac
done
ci_cli='^(mpi_np1|mpi_np2|cli_bad_input|cli_call_outputs|cli_eval_cli)$'

sup=$root/scripts/sanitizers
# Set before the build too: the build runs the unit-test binary to list its
# test cases (doctest_discover_tests), and its exit passes LeakSanitizer.
# detect_leaks: LeakSanitizer at exit. halt_on_error/abort_on_error=0: exit
# with ASan's code (1), not SIGABRT, so rank failures read as failures and
# not as the kills some tests expect. fast_unwind_on_malloc=0: Open MPI's
# libraries have no frame pointers, so the fast unwinder stops inside them
# and a leak stack would hold no library name to suppress by (just
# "<unknown module>"); the slower DWARF unwinder gives the whole stack.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:fast_unwind_on_malloc=0:strict_string_checks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$sup/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$sup/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Open MPI unloads its plugins in MPI_Finalize, which leaves their frames
# "<unknown module>" in leak stacks; kept loaded, they can be matched by name.
export OMPI_MCA_mca_base_component_disable_dlclose=1
if [ $build_first -eq 1 ]; then
  launcher=()
  command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -D_GLIBCXX_ASSERTIONS" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DDVHPC_SANITIZE=address,undefined -DDVHPC_ENABLE_CUDA=OFF -DDVHPC_BUILD_PERF=OFF \
    "${launcher[@]}" > /dev/null
  cmake --build "$build" -j "$jobs"
fi

args=(--test-dir "$build" --output-on-failure)
start=$(date +%s)
rc=0
if [ $ci -eq 1 ]; then
  # The environment ctest gives the unit tests (tests/CMakeLists.txt).
  echo "sanitize: unit tests (one process)"
  OMP_PROC_BIND=false OMP_WAIT_POLICY=passive "$build/tests/dvhpc_unit_tests" || rc=$?
  echo "sanitize: unit tests $([ $rc -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - start)) s"
  args+=(-R "$ci_cli")
fi
ctest "${args[@]}" "$@" || rc=$?
what="all tests"
[ $ci -eq 1 ] && what="CI subset"
status=passed
[ $rc -eq 0 ] || status=FAILED
echo "sanitize: $what $status in $(($(date +%s) - start)) s"
exit $rc
