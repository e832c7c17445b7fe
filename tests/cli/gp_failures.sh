#!/usr/bin/env bash
# A 2-rank `dvhpc gp` training a neural model never hangs when one rank
# fails (issue 17's collective safety; README: Failures and timeouts). Each
# case ends the whole job within 30 s, non-zero, with a line naming the
# failing rank and the training step:
#   - rank 1 is killed with kill -9 mid-training: mpirun names rank 1 and the
#     survivor says at which regression step it was stopped;
#   - rank 1 stops for good at step 3 (DVHPC_FAULT_HANG_AT_STEP): rank 0's
#     watchdog fires after mpi_timeout (5 s here), exit code 7;
#   - rank 1 throws at step 3 (DVHPC_FAULT_THROW_AT_STEP): its own message, code 3.
# usage: gp_failures.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
bin=$1
src=$2
command -v mpirun > /dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
/usr/bin/python3 -c "import numpy" 2> /dev/null || { echo "SKIP: /usr/bin/python3 with numpy not installed"; exit 77; }
. "$src/tests/cli/lib.bash"
cli_setup
export OMP_NUM_THREADS=1 OMP_PROC_BIND=false
printf 'progress: false\nlog_level: info\nsimulate:\n  kind: genotypes\n  samples: 300\n  variants: 2000\n  populations: 2\n  fst: 0.02\n  genotype_formats: [plink]\n' > sim.yaml
"$bin" simulate sim.yaml --set output=s > /dev/null 2>&1 || fail "simulate exited $?"
/usr/bin/python3 "$src/tests/cli/gp_check.py" pheno s 0.8 3 s.pheno || fail "making phenotypes"
# Training that would run for a long time: many epochs, no early stop.
cfg=(--set gp.genotypes=s --set gp.phenotypes=s.pheno --set 'gp.models=[mlp]' --set gp.traits=t1
     --set gp.nn.epochs=100000 --set gp.nn.patience=100000 --set gp.plot=false --set threads=1 --set progress=false)
now() { date +%s.%N; }
secs() { /usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
under30() { /usr/bin/python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 30 else 1)" "$1"; }

# 1. kill -9 of rank 1 mid-training.
timeout 120 mpirun -np 2 --oversubscribe "$bin" gp "${cfg[@]}" --set output=k > k.log 2>&1 &
mpid=$!
for _ in $(seq 600); do grep -q "nn_features\|variants used" k.log && break; kill -0 "$mpid" 2> /dev/null || break; sleep 0.1; done
sleep 3  # well into the training steps
victim=""
for p in $(pgrep -P "$mpid"); do
  for q in $p $(pgrep -P "$p"); do
    tr '\0' '\n' < "/proc/$q/environ" 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1" && victim=$q
  done
done
if [ -z "$victim" ]; then
  fail "kill -9: rank 1's process not found (did gp end early?): $(tail -3 k.log)"
  kill "$mpid" 2> /dev/null
else
  tk=$(now)
  kill -9 "$victim"
  wait "$mpid"; rc=$?
  el=$(secs "$tk" "$(now)")
  if [ "$rc" = 0 ] || [ "$rc" = 124 ] || ! under30 "$el"; then
    fail "kill -9: rc=$rc after ${el}s: $(tail -5 k.log)"
  elif ! grep -q "rank 1 .*signal 9" k.log || ! grep -q "dvhpc: rank 0 stopped by the launcher at regression step [0-9]" k.log; then
    fail "kill -9: rank 1 or the step not named: $(grep -i 'rank' k.log | head -5)"
  else
    ok "kill -9 of rank 1 in gp mlp training: job ended in ${el}s, rc=$rc: $(grep 'dvhpc: rank 0 stopped' k.log)"
  fi
fi

# 2. Rank 1 hangs at step 3: rank 0's watchdog ends the job.
t0=$(now)
DVHPC_FAULT_HANG_AT_STEP=3 DVHPC_MPI_TIMEOUT=5 timeout 120 mpirun -np 2 --oversubscribe "$bin" gp "${cfg[@]}" \
  --set output=h > h.log 2>&1; rc=$?
el=$(secs "$t0" "$(now)")
want="dvhpc: error \(rank 0\): .* at regression step 3 \(epoch 1\) waited [56] s for other ranks"
if [ "$rc" != 7 ] || ! under30 "$el"; then
  fail "hang: rc=$rc (want 7) after ${el}s: $(tail -5 h.log)"
elif ! grep -qE "$want" h.log; then
  fail "hang: message missing: $(grep dvhpc: h.log | head -5)"
else
  ok "rank 1 hung at step 3: job ended in ${el}s (timeout 5 s), rc=7: $(grep 'dvhpc: error' h.log)"
fi

# 3. Rank 1 throws at step 3 while rank 0 waits in the gradient allreduce.
t0=$(now)
DVHPC_FAULT_THROW_AT_STEP=3 timeout 120 mpirun -np 2 --oversubscribe "$bin" gp "${cfg[@]}" \
  --set output=e > e.log 2>&1; rc=$?
el=$(secs "$t0" "$(now)")
if [ "$rc" != 3 ] || ! under30 "$el" || ! grep -q "dvhpc: error (rank 1 of 2): DVHPC_FAULT_THROW_AT_STEP: injected failure in training step 3" e.log; then
  fail "throw: rc=$rc (want 3) after ${el}s: $(grep dvhpc: e.log | head -3)"
else
  ok "rank 1 threw at step 3: job ended in ${el}s, rc=3: $(grep 'dvhpc: error' e.log)"
fi
ls k.gp.* h.gp.* e.gp.* 2> /dev/null | grep -q . && fail "a final output was written by a failed run: $(ls k.gp.* h.gp.* e.gp.* 2> /dev/null)"
cli_finish gp_failures
