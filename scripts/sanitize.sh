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
# The CI subset (--ci): every unit-test case, mpi_np1 and mpi_np2, and the
# CLI tests except those in ci_exclude: the rank-failure scripts (they kill
# ranks on purpose), the real-data ones (the same commands on bigger inputs)
# and those that mostly train or simulate (gp, model stores, sim_*: loops
# whose kernels the unit tests already run under the sanitizers), and the
# long multi-run scripts (the failure matrix and the bad-input catalogue,
# ~150 short runs each; joint, gVCF and PCA end to end), whose code paths the
# kept bad_input, call_outputs and eval tests and the unit tests cover. Under ASan
# with DWARF unwinding a CLI test took 90-110 s here on the shared 2-core
# machine (load 5-9) against about 1-10 s in the normal build, which is why
# the slow ones are left to a full run (`scripts/sanitize.sh`, no --ci). The
# CI budget (sanitizer job near 12 minutes) was NOT measured on an idle
# machine: see perf/RESULTS.md (Sanitizers).
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
ci_exclude='^cli_(train_failures|gp_failures|gp_cli|gp_real|longread_hifi|call_robustness|model_stores|sim_augment|sim_strand_errors|failure_matrix|bad_input_call|bad_input_files|joint_cli|gvcf_cli|pca_cli)$'

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
[ $ci -eq 1 ] && args+=(-E "$ci_exclude")
start=$(date +%s)
rc=0
ctest "${args[@]}" "$@" || rc=$?
what="all tests"
[ $ci -eq 1 ] && what="CI subset"
status=passed
[ $rc -eq 0 ] || status=FAILED
echo "sanitize: ctest ($what) $status in $(($(date +%s) - start)) s"
exit $rc
