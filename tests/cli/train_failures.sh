#!/usr/bin/env bash
# A 2-rank `dvhpc train` never hangs when one rank fails (README: Failures and
# timeouts). Each case must end the whole job within 30 s, non-zero, with a
# line naming the failing rank and the training step:
#   - rank 1 is killed with kill -9 mid-training: mpirun names rank 1, and the
#     survivor says at which step it was stopped;
#   - rank 1 stops for good at step 3 (DVHPC_FAULT_HANG_AT_STEP): rank 0's
#     collective watchdog fires after mpi_timeout (5 s here), exit code 7, and
#     rank 1 is named as the one "not waiting on other ranks" at step 3;
#   - rank 1 throws at step 3 (DVHPC_FAULT_THROW_AT_STEP) while rank 0 waits in
#     the gradient allreduce: rank 1's own message, the input-error code 3;
# and a healthy run with a 3 s timeout completes (the watchdog times waits,
# not runs), and a negative mpi_timeout is a config error.
# usage: train_failures.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
bin=$1
command -v mpirun > /dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
/usr/bin/python3 -c "import h5py, numpy" 2> /dev/null || { echo "SKIP: python3-h5py not installed"; exit 77; }
. "$(dirname "$0")/lib.bash"
cli_setup
export OMP_NUM_THREADS=1 OMP_PROC_BIND=false

# A small learnable RNN example store (the layout dvhpc make-examples writes):
# class c shows as a bump in feature channel c at the centre position.
/usr/bin/python3 - << 'PY' || { echo "FAIL writing the example store"; exit 1; }
import h5py, numpy as np
n, T, C = 3000, 33, 18
rng = np.random.default_rng(1)
y = (np.arange(n) % 3).astype(np.int8)
x = (0.3 * rng.random((n, T, C))).astype(np.float32)
x[np.arange(n), 16, y] += 1.0
with h5py.File("ex.h5", "w") as f:
    for k, v in {"schema_version": "1", "pileup_height": "1", "pileup_width": "1", "pileup_channels": "1",
                 "feature_window": str(T), "feature_channels": str(C)}.items():
        f.attrs.create(k, np.bytes_(v))
    f["labels"] = y
    f["rnn/features"] = x
PY
cfg=(--set train.examples=ex.h5 --set train.model=rnn --set train.batch_size=8 --set train.epochs=1000
     --set train.early_stop_patience=1000 --set train.validation_fraction=0.02 --set train.checkpoint_every=0
     --set model.device=cpu --set threads=1 --set progress=false)
now() { date +%s.%N; }
secs() { /usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
under30() { /usr/bin/python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 30 else 1)" "$1"; }

# 1. kill -9 of rank 1 mid-training.
t0=$(now)
timeout 120 mpirun -np 2 --oversubscribe "$bin" train "${cfg[@]}" --set output=k > k.log 2>&1 &
mpid=$!
for _ in $(seq 600); do grep -q "training the rnn" k.log && break; kill -0 "$mpid" 2> /dev/null || break; sleep 0.1; done
sleep 2  # well into the training steps
victim=""
for p in $(pgrep -P "$mpid"); do  # timeout's child is mpirun; mpirun's children are the ranks
  for q in $p $(pgrep -P "$p"); do
    tr '\0' '\n' < "/proc/$q/environ" 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1" && victim=$q
  done
done
if [ -z "$victim" ]; then
  fail "kill -9: rank 1 not found (did training start? $(tail -2 k.log))"
  kill "$mpid" 2> /dev/null
else
  tk=$(now)
  kill -9 "$victim"
  wait "$mpid"; rc=$?
  el=$(secs "$tk" "$(now)")
  if [ "$rc" = 0 ] || [ "$rc" = 124 ] || ! under30 "$el"; then
    fail "kill -9: rc=$rc after ${el}s: $(tail -5 k.log)"
  elif ! grep -q "rank 1 .*signal 9" k.log || ! grep -q "dvhpc: rank 0 stopped by the launcher at train step [0-9]" k.log; then
    fail "kill -9: rank 1 or the step not named: $(grep -i 'rank' k.log | head -5)"
  else
    ok "kill -9 of rank 1: job ended in ${el}s, rc=$rc: $(grep 'dvhpc: rank 0 stopped' k.log)"
  fi
fi

# 2. Rank 1 hangs at step 3: the watchdog on rank 0 ends the job.
t0=$(now)
DVHPC_FAULT_HANG_AT_STEP=3 DVHPC_MPI_TIMEOUT=5 timeout 120 mpirun -np 2 --oversubscribe "$bin" train "${cfg[@]}" \
  --set output=h > h.log 2>&1; rc=$?
el=$(secs "$t0" "$(now)")
# "waited N s": the watchdog looks once a second, so N is 5 or 6.
want0="dvhpc: error \(rank 0\): MPI_Allreduce \(gradients\) at train step 3 \(epoch 1\) waited [56] s for other ranks; a rank has failed or stopped: aborting"
want1="dvhpc: rank 1 stopped by the launcher at train step 3 (epoch 1), not waiting on other ranks"
if [ "$rc" != 7 ] || ! under30 "$el"; then
  fail "hang: rc=$rc (want 7) after ${el}s: $(tail -5 h.log)"
elif ! grep -qE "$want0" h.log || ! grep -qF "$want1" h.log; then
  fail "hang: messages missing: $(grep dvhpc: h.log | head -5)"
else
  ok "rank 1 hung at step 3: job ended in ${el}s (timeout 5 s), rc=7, rank 1 and step 3 named: $(grep 'dvhpc: error' h.log)"
fi

# 3. Rank 1 throws at step 3 while rank 0 waits in the gradient allreduce.
t0=$(now)
DVHPC_FAULT_THROW_AT_STEP=3 timeout 120 mpirun -np 2 --oversubscribe "$bin" train "${cfg[@]}" \
  --set output=e > e.log 2>&1; rc=$?
el=$(secs "$t0" "$(now)")
want="dvhpc: error (rank 1 of 2): DVHPC_FAULT_THROW_AT_STEP: injected failure in training step 3 (at train step 3 (epoch 1))"
if [ "$rc" != 3 ] || ! under30 "$el"; then
  fail "throw: rc=$rc (want 3) after ${el}s: $(tail -5 e.log)"
elif ! grep -qF "$want" e.log; then
  fail "throw: message missing: $(grep dvhpc: e.log | head -5)"
else
  ok "rank 1 threw at step 3: job ended in ${el}s, rc=3, rank 1 and step 3 named"
fi
# The same at 1 rank: a plain error exit, no MPI noise.
DVHPC_FAULT_THROW_AT_STEP=3 timeout 60 "$bin" train "${cfg[@]}" --set output=e1 > e1.log 2>&1; rc=$?
[ "$rc" = 3 ] && grep -qF "dvhpc: error: DVHPC_FAULT_THROW_AT_STEP" e1.log && ok "1 rank: injected failure, rc=3" ||
  fail "1 rank throw: rc=$rc: $(tail -3 e1.log)"

# 4. A healthy run with a short timeout finishes: only waits are timed.
DVHPC_MPI_TIMEOUT=3 timeout 120 mpirun -np 2 --oversubscribe "$bin" train "${cfg[@]}" --set train.epochs=1 \
  --set output=g > g.log 2>&1 && [ -s g.final.h5 ] && ok "healthy 2-rank run with a 3 s timeout completes" ||
  fail "healthy run with a 3 s timeout: $(tail -5 g.log)"

# 5. mpi_timeout is validated.
"$bin" train "${cfg[@]}" --set output=v --set mpi_timeout=-1 > v.log 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "mpi_timeout" v.log && ok "negative mpi_timeout: config error" ||
  fail "mpi_timeout=-1: rc=$rc: $(tail -2 v.log)"

cli_finish train-failure
