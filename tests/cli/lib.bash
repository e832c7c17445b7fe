# Shared by the command-line tests (not a test itself: ctest runs tests/cli/*.sh); source it after reading the arguments.
#   cli_setup            root-safe mpirun, a private temporary directory (cwd, removed on exit)
#   ok MSG / fail MSG    report a check; fail counts
#   cli_finish NAME      exit 1 if any check failed, else print "all NAME checks passed"
#   cli_demo_setup SRC   skip (77) without the demo's tools, cli_setup, then the
#                        demo data (scripts/make_demo_data.sh) in ./data
# shellcheck shell=bash
fails=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
cli_setup() {
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cd "$tmp" || exit 1
}
cli_finish() {
  ls | grep -q '\.tmp-' && fail "temporary files left: $(ls | grep '\.tmp-' | tr '\n' ' ')"
  [ "$fails" = 0 ] && echo "all $1 checks passed" || exit 1
}
cli_demo_setup() {
  local t
  for t in art_illumina bwa samtools mpirun; do
    command -v $t > /dev/null || { echo "SKIP: $t not installed"; exit 77; }
  done
  cli_setup
  "$1/scripts/make_demo_data.sh" data 30 > /dev/null 2>&1 || { echo "FAIL: demo data"; exit 1; }
}
