# Shared by train_failures.sh and gp_failures.sh (not a test itself): the
# three ways one rank of a 2-rank training job fails, each of which must end
# the whole job within 30 s, non-zero, naming the rank and the step.
#   rank_failure_cases STEP READY ARGS...
#     STEP   the phase the trainer names ("train step", "regression step")
#     READY  a pattern of the log that shows training is about to start
#     ARGS   the dvhpc command and its arguments ($bin is prepended)
# Writes k.log, h.log, e.log (outputs k, h, e); reports through ok/fail (lib.bash).
# shellcheck shell=bash
now() { date +%s.%N; }
secs() { /usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
under30() { /usr/bin/python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 30 else 1)" "$1"; }

rank_failure_cases() {
  local step=$1 ready=$2; shift 2
  local t0 tk el rc mpid victim p q want0 want1 want
  # 1. kill -9 of rank 1 mid-training: mpirun names rank 1, the survivor its step.
  timeout 120 mpirun -np 2 --oversubscribe "$bin" "$@" --set output=k > k.log 2>&1 &
  mpid=$!
  for _ in $(seq 600); do grep -q "$ready" k.log && break; kill -0 "$mpid" 2> /dev/null || break; sleep 0.1; done
  sleep 3  # well into the training steps
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
    elif ! grep -q "rank 1 .*signal 9" k.log || ! grep -q "dvhpc: rank 0 stopped by the launcher at $step [0-9]" k.log; then
      fail "kill -9: rank 1 or the step not named: $(grep -i 'rank' k.log | head -5)"
    else
      ok "kill -9 of rank 1: job ended in ${el}s, rc=$rc: $(grep 'dvhpc: rank 0 stopped' k.log)"
    fi
  fi

  # 2. Rank 1 stops for good at step 3: rank 0's watchdog ends the job (exit 7).
  t0=$(now)
  DVHPC_FAULT_HANG_AT_STEP=3 DVHPC_MPI_TIMEOUT=5 timeout 120 mpirun -np 2 --oversubscribe "$bin" "$@" \
    --set output=h > h.log 2>&1; rc=$?
  el=$(secs "$t0" "$(now)")
  # "waited N s": the watchdog looks once a second, so N is 5 or 6.
  want0="dvhpc: error \(rank 0\): MPI_Allreduce \(gradients\) at $step 3 \(epoch 1\) waited [56] s for other ranks; a rank has failed or stopped: aborting"
  want1="dvhpc: rank 1 stopped by the launcher at $step 3 (epoch 1), not waiting on other ranks"
  if [ "$rc" != 7 ] || ! under30 "$el"; then
    fail "hang: rc=$rc (want 7) after ${el}s: $(tail -5 h.log)"
  elif ! grep -qE "$want0" h.log || ! grep -qF "$want1" h.log; then
    fail "hang: messages missing: $(grep dvhpc: h.log | head -5)"
  else
    ok "rank 1 hung at step 3: job ended in ${el}s (timeout 5 s), rc=7, rank 1 and step 3 named: $(grep 'dvhpc: error' h.log)"
  fi

  # 3. Rank 1 throws at step 3 while rank 0 waits in the gradient allreduce (exit 3).
  t0=$(now)
  DVHPC_FAULT_THROW_AT_STEP=3 timeout 120 mpirun -np 2 --oversubscribe "$bin" "$@" \
    --set output=e > e.log 2>&1; rc=$?
  el=$(secs "$t0" "$(now)")
  want="dvhpc: error (rank 1 of 2): DVHPC_FAULT_THROW_AT_STEP: injected failure in training step 3 (at $step 3 (epoch 1))"
  if [ "$rc" != 3 ] || ! under30 "$el"; then
    fail "throw: rc=$rc (want 3) after ${el}s: $(tail -5 e.log)"
  elif ! grep -qF "$want" e.log; then
    fail "throw: message missing: $(grep dvhpc: e.log | head -5)"
  else
    ok "rank 1 threw at step 3: job ended in ${el}s, rc=3, rank 1 and step 3 named"
  fi
}
