#!/usr/bin/env bash
# `dvhpc gp` neural models (mlp, gcn) next to gblup on the shared real sets
# (../shared/data/genomic_prediction: wheat599, athaliana162) on the README
# baseline's folds (sklearn KFold(5, shuffle=True, random_state=1)), and the
# cv time of mlp/gcn at 1 and 2 ranks (threads=1 per rank) with
# gp.nn.parallel data and tasks, plus a simulated 2,000 x 10,000 set.
# Prints the log lines with the 5-fold mean r per trait and model and the
# cv_* stage times. usage: perf/gp_nn.sh BUILD_DIR [WORK_DIR]
set -eu
bin=$(realpath "$1")/dvhpc
src=$(cd "$(dirname "$0")/.." && pwd)
data=$src/../shared/data/genomic_prediction
work=${2:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
py=/usr/bin/python3
for s in wheat599 athaliana162; do
  $py "$src/tests/cli/gp_check.py" folds "$data/$s.fam" 5 1 $s.folds
  printf 'progress: false\nlog_level: info\ngp:\n  genotypes: %s\n  phenotypes: %s\n  folds_file: %s\n  plot: false\n  models: [gblup, mlp, gcn, ensemble]\n' \
    "$data/$s" "$data/$s.pheno" $s.folds > $s.yaml
done
printf 'progress: false\nlog_level: warn\nsimulate:\n  kind: genotypes\n  samples: 2000\n  variants: 10000\n  populations: 2\n  fst: 0.02\n  genotype_formats: [plink]\n' > sim.yaml
"$bin" simulate sim.yaml --set output=big
$py "$src/tests/cli/gp_check.py" pheno big 0.6 3 big.pheno
printf 'progress: false\nlog_level: info\ngp:\n  genotypes: big\n  phenotypes: big.pheno\n  traits: [t1]\n  plot: false\n  models: [gblup, mlp, gcn, ensemble]\n' > big.yaml
for s in wheat599 athaliana162 big; do
  for np in 1 2; do
    for mode in data tasks; do
      echo "== $s, $np rank(s), gp.nn.parallel=$mode"
      mpirun --oversubscribe -np $np "$bin" gp $s.yaml --set output=${s}_${np}_$mode --set threads=1 \
        --set gp.nn.parallel=$mode 2>&1 | grep -E "5-fold mean|cv_" | sed 's/.*\[main\] //'
    done
  done
done
