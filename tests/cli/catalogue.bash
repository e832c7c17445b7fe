# The bad-input catalogue's check (tests/cli/bad_input_*.sh; not a test itself).
# Each case runs as users run it: alone (an MPI singleton) and under
# `mpirun -np 2`, and must
#   - exit with the documented code (README "Exit codes") within the hang guard,
#   - print the expected text in exactly one "dvhpc: error" line ("once"), or in
#     every such line when ranks fail on their own shards ("per-rank"),
#   - leave none of the listed outputs under its final name, and no temporary
#     (the outputs and o.* are removed before each run).
# Seconds per run are printed (the goal is under 10 s; a hang is stopped at 60).
#
#   expect_error NAME CODE 'TEXT' once|per-rank 'OUTPUTS' -- COMMAND...
#   expect_success NAME 'OUTPUTS' -- COMMAND...   (inputs that are unusual but valid)
# shellcheck shell=bash
_catalogue_run() {  # NP COMMAND... -> sets out rc secs
  local np=$1 start
  shift
  start=$(date +%s.%N)
  if [ "$np" = 1 ]; then out=$(timeout 60 "$@" 2>&1); else out=$(timeout 60 mpirun -np 2 --oversubscribe "$@" 2>&1); fi
  rc=$?
  secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
}
expect_error() {
  local name=$1 code=$2 want=$3 how=$4 outputs=$5 np lines f bad
  shift 6  # the '--'
  for np in 1 2; do
    rm -rf $outputs o.* ./*.tmp-*
    _catalogue_run $np "$@"
    lines=$(grep "^dvhpc: error" <<<"$out")
    bad=""
    [ "$rc" = "$code" ] || bad="exit $rc, wanted $code"
    if [ -z "$bad" ]; then
      if [ -z "$lines" ] || grep -vqF -- "$want" <<<"$lines"; then bad="wanted '$want' in every error line"
      elif [ "$how" = once ] && [ "$(wc -l <<<"$lines")" -ne 1 ]; then bad="$(wc -l <<<"$lines") error lines, wanted 1"
      fi
    fi
    for f in $outputs; do [ -e "$f" ] && bad="${bad:+$bad; }'$f' exists under its final name"; done
    ls ./*.tmp-* > /dev/null 2>&1 && bad="${bad:+$bad; }temporary left: $(ls ./*.tmp-*)"
    if [ -n "$bad" ]; then
      fail "$name [np$np] ($secs s): $bad"
      head -c 1500 <<<"$out" | sed 's/^/       /'
    else
      ok "$name [np$np] exit $rc, $secs s: $(head -1 <<<"$lines" | cut -c1-160)"
    fi
  done
}
expect_success() {
  local name=$1 outputs=$2 np f bad
  shift 3
  for np in 1 2; do
    rm -rf $outputs o.*
    _catalogue_run $np "$@"
    bad=""
    [ "$rc" = 0 ] || bad="exit $rc: $(grep -m2 'error' <<<"$out")"
    for f in $outputs; do [ -s "$f" ] || bad="${bad:+$bad; }'$f' missing"; done
    if [ -n "$bad" ]; then fail "$name [np$np]: $bad"; else ok "$name [np$np] exit 0, $secs s"; fi
  done
  rm -rf $outputs o.*
}
