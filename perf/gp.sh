#!/usr/bin/env bash
# `dvhpc gp` (GBLUP) against scikit-learn RidgeCV on the same 5 folds (issue 17).
#
#   perf/gp.sh [BUILD_DIR]
#
# Sets: CIMMYT wheat (599 x 1,279, 4 traits) and Arabidopsis FT16 (162 x
# 53,859) from ../shared/data/genomic_prediction, and a simulated 2,000
# samples x 10,000 SNPs (`dvhpc simulate`, 5 populations, F = 0.01) with a
# synthetic trait of h2 0.5 (and a second of h2 0.25 with 10% NA;
# tests/cli/gp_check.py pheno). Folds: KFold(5, shuffle=True,
# random_state=1), given to both as gp.folds_file. Measures wall time and
# peak RSS (GNU time) of dvhpc gp with gp.shrinkage reml and loo, and reml
# on centred markers (1 rank x 2 threads, all traits in one run) and of RidgeCV(alphas=logspace(-1,6,30))
# per trait (5 fits), and appends a dated block to perf/RESULTS_gp.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
data=$here/../shared/data/genomic_prediction
out=$here/perf/RESULTS_gp.md
py=/usr/bin/python3
check="$py $here/tests/cli/gp_check.py"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive
bin=$build/dvhpc
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

"$bin" simulate --set simulate.kind=genotypes --set simulate.samples=2000 --set simulate.variants=10000 \
  --set simulate.populations=5 --set simulate.fst=0.01 --set output=sim2000 --set progress=false --set log_level=warn
$check pheno sim2000 0.5 11 sim2000.pheno

load=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for set in wheat599 athaliana162 sim2000; do
  if [ "$set" = sim2000 ]; then prefix=$tmp/sim2000; else prefix=$data/$set; fi
  $check folds $prefix.fam 5 1 $set.folds
  for how in reml loo centred; do
    # centred: REML with centred markers (gp.standardize: false), the model sklearn fits.
    /usr/bin/time -f "%e %M" -o $set.$how.time "$bin" gp --set gp.genotypes=$prefix --set gp.phenotypes=$prefix.pheno \
      --set gp.folds_file=$set.folds --set gp.shrinkage=${how/centred/reml} --set gp.standardize=$([ $how = centred ] && echo false || echo true) \
      --set output=$set.$how --set progress=false \
      --set log_level=warn --set gp.plot=$([ $how = reml ] && echo true || echo false) 2> $set.$how.log
    # The 5-fold part alone: relationship matrix + cross-validation stages (max over ranks).
    awk '$1 == "relationship" || $1 == "cv_gblup" {s += $4} END {printf "%.2f\n", s}' $set.$how.log > $set.$how.cv
  done
  : > $set.ridgecv
  $check ridgecv $prefix $prefix.pheno $set.folds $set.reml 1 $set.ridgecv
  rows+=("$set")
done
cp wheat599.reml.gp.png "$here/perf/gp_wheat.png"

{
  echo
  echo "## $(date -u +%Y-%m-%d) ($(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'))"
  echo
  echo "Load average before the runs: $load (a shared machine: other jobs were running; dvhpc and RidgeCV ran back to back under the same load)."
  echo
  echo "Command: \`perf/gp.sh\` (dvhpc $(git -C "$here" rev-parse --short HEAD), 1 rank x $(nproc) threads; RidgeCV: scikit-learn $($py -c 'import sklearn; print(sklearn.__version__)'), \`RidgeCV(alphas=logspace(-1, 6, 30))\`, default efficient LOO)."
  echo
  echo "dvhpc gblup with its defaults (plink-standardised markers) and lambda by REML or LOO; 'centred': REML on centred markers (\`gp.standardize: false\`), the model RidgeCV fits."
  echo
  echo "| set | trait | n | RidgeCV r | dvhpc REML r | dvhpc LOO r | dvhpc REML centred r | RidgeCV s (5 folds) |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|"
  for set in "${rows[@]}"; do
    while IFS=$'\t' read -r trait r secs; do
      reml=$(awk -v t=$trait '$1 == t && $2 == "gblup" && $3 == "mean" {print $5}' $set.reml.gp.tsv)
      loo=$(awk -v t=$trait '$1 == t && $2 == "gblup" && $3 == "mean" {print $5}' $set.loo.gp.tsv)
      cen=$(awk -v t=$trait '$1 == t && $2 == "gblup" && $3 == "mean" {print $5}' $set.centred.gp.tsv)
      n=$(awk -v t=$trait '$1 == t && $2 == "gblup" && $3 == "mean" {print $4}' $set.reml.gp.tsv)
      printf '| %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %.2f |\n' $set $trait $n $r $reml $loo $cen $secs
    done < $set.ridgecv
  done
  echo
  echo "dvhpc s: the whole command (start-up, reading, relationship matrix, 5 folds, final fit, outputs, plot); in brackets the relationship matrix + 5-fold cross-validation stages alone. Speedup: RidgeCV (all traits) / dvhpc whole command."
  echo
  echo "| set | traits | RidgeCV s, all traits | dvhpc REML s [GRM + CV s] (peak RSS) | dvhpc LOO s [GRM + CV s] (peak RSS) | dvhpc REML centred s | speedup REML | speedup LOO |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|"
  for set in "${rows[@]}"; do
    total=$(awk -F'\t' '{s += $3} END {printf "%.2f", s}' $set.ridgecv)
    read -r rs rm < $set.reml.time
    read -r ls lm < $set.loo.time
    read -r cs cm < $set.centred.time
    printf '| %s | %s | %s | %s [%s] (%d MB) | %s [%s] (%d MB) | %s | %.1fx | %.1fx |\n' $set $(wc -l < $set.ridgecv) $total $rs \
      "$(cat $set.reml.cv)" $((rm / 1024)) $ls "$(cat $set.loo.cv)" $((lm / 1024)) $cs "$(echo "$total $rs" | awk '{print $1 / $2}')" "$(echo "$total $ls" | awk '{print $1 / $2}')"
  done
} | tee -a "$out"
