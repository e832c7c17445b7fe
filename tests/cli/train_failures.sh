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
. "$(dirname "$0")/rank_failures.bash"
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
# 1-3. kill -9, a hang and an error of rank 1 mid-training.
rank_failure_cases "train step" "training the rnn" train "${cfg[@]}"
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
