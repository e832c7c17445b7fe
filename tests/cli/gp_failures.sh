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
. "$src/tests/cli/rank_failures.bash"
cli_setup
export OMP_NUM_THREADS=1 OMP_PROC_BIND=false
printf 'progress: false\nlog_level: info\nsimulate:\n  kind: genotypes\n  samples: 300\n  variants: 2000\n  populations: 2\n  fst: 0.02\n  genotype_formats: [plink]\n' > sim.yaml
"$bin" simulate sim.yaml --set output=s > /dev/null 2>&1 || fail "simulate exited $?"
/usr/bin/python3 "$src/tests/cli/gp_check.py" pheno s 0.8 3 s.pheno || fail "making phenotypes"
# Training that would run for a long time: many epochs, no early stop.
cfg=(--set gp.genotypes=s --set gp.phenotypes=s.pheno --set 'gp.models=[mlp]' --set gp.traits=t1
     --set gp.nn.epochs=100000 --set gp.nn.patience=100000 --set gp.plot=false --set threads=1 --set progress=false)
rank_failure_cases "regression step" "variants used" gp "${cfg[@]}"
ls k.gp.* h.gp.* e.gp.* 2> /dev/null | grep -q . && fail "a final output was written by a failed run: $(ls k.gp.* h.gp.* e.gp.* 2> /dev/null)"
cli_finish gp_failures
