#!/usr/bin/env bash
# The MPI failure matrix of `dvhpc call` (issue 19): a rank fails at each
# phase (config, partition, its first shard, the first draw from the dynamic
# work queue, the VCF write, between two collective HDF5 writes), on rank 0,
# on the last rank and on all ranks, at 1, 2 and 4 ranks (oversubscribed),
# through DVHPC_FAULT (include/dvhpc/fault_point.hpp). Every run must end
# with exit 3 and an error line naming the phase and a failing rank, leave no
# output under a final name, and not hang (guard: 60 s; seconds are printed).
# Then kill -9 and a hang of one rank mid-run and between two HDF5 writes
# (exit 7 after mpi_timeout), and
# after a failure at each phase the same command without the fault completes
# (resuming from the kept shards once they are all done) with the VCF of a
# clean run.
# usage: failure_matrix.sh DVHPC_BINARY SOURCE_DIR   (exit 77 = skipped)
set -u
bin=$1 src=$2
. "$src/tests/cli/lib.bash"
cli_demo_setup "$src"
base=(call --set reference=data/ref.fa --set reads=data/demo.bam --set preset=demo --set threads=1
      --set progress=false --set partition.shard_size=25000 --set mpi_timeout=5)
outs="o.vcf.gz o.h5 o.candidates.vcf.gz"
"$bin" "${base[@]}" --set output=clean 2> /dev/null || fail "clean run"
records() { zcat "$1" | grep -v '^##'; }
records clean.vcf.gz > clean.txt

launch() {  # NP ARGS... -> out rc secs
  local np=$1 start
  shift
  start=$(date +%s.%N)
  if [ "$np" = 1 ]; then out=$(timeout 60 "$bin" "$@" 2>&1); else out=$(timeout 60 mpirun -np "$np" --oversubscribe "$bin" "$@" 2>&1); fi
  rc=$?
  secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
}
slowest=0
note_time() { slowest=$(awk -v a="$slowest" -v b="$secs" 'BEGIN { print (b > a ? b : a) }'); }
no_outputs() { local f; for f in $outs; do [ -e "$f" ] && return 1; done; return 0; }
# A rank aborted by another rank's error never unwinds, so temporaries it was
# writing can stay (never under a final name); the next run removes them.
temporaries() { ls ./*.tmp-* 2> /dev/null | wc -l; }

phases=(config partition shard queue vcf_write h5_write)
# The rerun checks below fail on the last rank, which leaves temporaries at h5_write.
for np in 1 2 4; do
  for phase in "${phases[@]}"; do
    for who in 0 last all; do
      [ "$np" = 1 ] && [ "$who" != 0 ] && continue
      rank=$who
      [ "$who" = last ] && rank=$((np - 1))
      [ "$who" = all ] && rank='[0-9]+'
      extra=()
      [ "$phase" = queue ] && extra=(--set partition.schedule=dynamic)
      rm -rf o.* ./*.tmp-*
      DVHPC_FAULT="$phase@$who" launch "$np" "${base[@]}" --set output=o "${extra[@]}"
      note_time
      lines=$(grep '^dvhpc: error' <<<"$out")
      case_name="$phase on rank $who at $np rank(s)"
      if [ "$rc" != 3 ]; then fail "$case_name: exit $rc, wanted 3 ($secs s): $(head -c 600 <<<"$out")"
      elif ! grep -qE "injected failure at $phase on rank $rank" <<<"$lines"; then fail "$case_name: no error line names it: $lines"
      elif grep -vq "injected failure at $phase" <<<"$lines"; then fail "$case_name: an error line names something else: $lines"
      elif ! no_outputs; then fail "$case_name: output left: $(ls o.* ./*.tmp-* 2> /dev/null | tr '\n' ' ')"
      else ok "$case_name: exit 3 in $secs s, $(wc -l <<<"$lines") error line(s), $(temporaries) temporaries left"
      fi
    done
  done
done

# The same command without the fault completes; after failures past the
# last shard it resumes from every kept shard.
for phase in "${phases[@]}"; do
  rm -rf r.* ./*.tmp-*
  DVHPC_FAULT="$phase@last" launch 2 "${base[@]}" --set output=r
  left=$(temporaries)
  launch 2 "${base[@]}" --set output=r
  if [ "$rc" != 0 ]; then fail "rerun after a failure at $phase: exit $rc"; continue; fi
  [ "$(temporaries)" = 0 ] || fail "rerun after a failure at $phase left temporaries: $(ls ./*.tmp-*)"
  resumed=$(grep -o 'resuming: [0-9]*' <<<"$out" | head -1)
  if [ "$phase" = vcf_write ] || [ "$phase" = h5_write ]; then
    [ -n "$resumed" ] || fail "rerun after a failure at $phase did not resume"
  fi
  if records r.vcf.gz | cmp -s - clean.txt; then ok "rerun after a failure at $phase: complete, ${resumed:-nothing to resume}, $left temporaries removed, same VCF"
  else fail "rerun after a failure at $phase: VCF differs from a clean run"; fi
done

# A rank killed (SIGKILL) or stuck in its first shard, at 2 and 4 ranks.
for np in 2 4; do
  rm -rf o.* ./*.tmp-*
  DVHPC_FAULT=shard@last DVHPC_FAULT_KIND=kill launch "$np" "${base[@]}" --set output=o
  note_time
  if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then fail "kill -9 of rank $((np - 1)) at $np ranks: exit $rc"
  elif ! no_outputs; then fail "kill -9 at $np ranks: output left"
  else ok "kill -9 of rank $((np - 1)) at $np ranks: exit $rc in $secs s ($(grep -m1 -o 'exited on signal [0-9]*' <<<"$out"))"
  fi
  rm -rf o.* ./*.tmp-*
  DVHPC_FAULT=shard@last DVHPC_FAULT_KIND=hang launch "$np" "${base[@]}" --set output=o
  note_time
  if [ "$rc" != 7 ]; then fail "hang of rank $((np - 1)) at $np ranks: exit $rc, wanted 7: $(grep -m3 dvhpc <<<"$out")"
  elif ! grep -q "rank $((np - 1)) stopped by the launcher.*not waiting" <<<"$out"; then
    fail "hang at $np ranks: the stuck rank is not named: $(grep dvhpc <<<"$out")"
  elif ! no_outputs; then fail "hang at $np ranks: output left"
  else ok "hang of rank $((np - 1)) at $np ranks: exit 7 in $secs s (mpi_timeout 5 s)"
  fi
done
# A rank stuck between two collective HDF5 writes: the others wait in the
# next collective (a Comm one or inside HDF5/MPI-IO, both timed by the watchdog).
rm -rf o.* ./*.tmp-*
DVHPC_FAULT=h5_write@last DVHPC_FAULT_KIND=hang launch 2 "${base[@]}" --set output=o
note_time
if [ "$rc" != 7 ]; then fail "hang inside the HDF5 write: exit $rc, wanted 7: $(grep -m3 dvhpc <<<"$out")"
elif ! grep -q "error (rank 0): .* at write waited" <<<"$out"; then fail "hang inside the HDF5 write: rank 0 does not say where it waited: $(grep dvhpc <<<"$out")"
elif ! no_outputs; then fail "hang inside the HDF5 write: output left"
else ok "hang of rank 1 between HDF5 writes: exit 7 in $secs s: $(grep -m1 -o 'error (rank 0): .* waited' <<<"$out")"
fi
rm -f ./*.tmp-*  # left by the aborted writers; removing them on the next run is checked above
echo "slowest failing run: $slowest s"
cli_finish "failure matrix"
