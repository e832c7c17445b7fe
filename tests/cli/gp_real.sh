#!/usr/bin/env bash
# `dvhpc gp` on the real sets of ../shared/data/genomic_prediction (CIMMYT
# wheat 599 x 1,279, 4 yield traits; Arabidopsis 162 x 53,859, FT16): on the
# README baseline's folds (KFold(5, shuffle=True, random_state=1)), the best
# dvhpc model's mean r is at least sklearn RidgeCV(alphas=logspace(-1,6,30))'s
# minus 0.01 for every trait (the issue's goal), and 2 ranks give 1 rank's
# results. Skipped (exit 77) when ../shared is absent.
# usage: gp_real.sh DVHPC_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
py=/usr/bin/python3
check="$py $src/tests/cli/gp_check.py"
data=$src/../shared/data/genomic_prediction
[ -f "$data/wheat599.bed" ] && [ -f "$data/athaliana162.bed" ] || { echo "SKIP: $data absent (the real genomic-prediction sets)"; exit 77; }
$py -c "import numpy, sklearn" 2>/dev/null || { echo "SKIP: /usr/bin/python3 with numpy and sklearn not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
. "$src/tests/cli/lib.bash"
cli_setup

for set in wheat599 athaliana162; do
  $check folds $data/$set.fam 5 1 $set.folds || fail "$set folds"
  printf 'progress: false\nlog_level: warn\ngp:\n  genotypes: %s\n  phenotypes: %s\n  folds_file: %s\n' \
    "$data/$set" "$data/$set.pheno" "$set.folds" > $set.yaml
  start=$(date +%s.%N)
  "$bin" gp $set.yaml --set output=$set || fail "$set: gp exited $?"
  echo "$set: dvhpc gp took $(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $start}") s"
  mpirun -np 2 --oversubscribe "$bin" gp $set.yaml --set output=${set}_2 --set threads=1 --set gp.plot=false || fail "$set: gp (2 ranks) exited $?"
  $py - $set ${set}_2 <<'EOF' && ok "$set: 2 ranks = 1 rank" || fail "$set: 2 ranks differ from 1 rank"
import sys, numpy as np
def rows(p): return [l.split('\t') for l in open(p + '.gp.predictions.tsv').read().splitlines()[1:]]
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert [r[:4] for r in a] == [r[:4] for r in b]
u, v = np.array([[float(x) for x in r[4:]] for r in a]), np.array([[float(x) for x in r[4:]] for r in b])
assert np.allclose(u, v, rtol=1e-5, atol=1e-6 * u.std()), np.abs(u - v).max()  # lambda: an optimum known to ~sqrt(eps)
EOF
  $check ridgecv $data/$set $data/$set.pheno $set.folds $set 0.01 && ok "$set: dvhpc >= RidgeCV - 0.01 on every trait" || fail "$set: below RidgeCV - 0.01"
done
cli_finish gp_real
