#!/usr/bin/env bash
# A cohort end to end (issue 16): simulate -> call (gVCF) -> joint -> pca, and
# `dvhpc joint` against `bcftools merge --gvcf | bcftools call -mv` on the
# same gVCFs (bcftools call reads the INFO/QS dvhpc writes on site records),
# both scored against the simulated truth (perf/cohort_concordance.py).
#
#   N=100 LEN=1000000 COV=20 perf/cohort.sh [BUILD_DIR]
#
# Makes (once per N/LEN/COV, in $COHORT_DATA, default /work/data/cohort-N-LEN-COV)
# a cohort of N samples in 3 populations (F = 0.05, neutral spectrum) with
# `simulate.kind: cohort` on 2 ranks, calls every sample with `gvcf: true`
# (2 at a time, 1 thread each), then times (GNU time: wall, peak RSS per
# process) `dvhpc joint` at 1 rank x 1 thread and 2 ranks x 1 thread and the
# bcftools pipeline, runs `dvhpc pca` on the joint genotype matrix coloured
# by population (copied to perf/cohort_pca.png when N <= 1000), and appends
# a dated block to perf/RESULTS_cohort.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
n=${N:-100} len=${LEN:-1000000} cov=${COV:-20}
data=${COHORT_DATA:-/work/data/cohort-$n-$len-$cov}
out=$here/perf/RESULTS_cohort.md
py=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
# Two singleton runs (no mpirun) at a time share Open MPI's session directory;
# when one ends it can remove the shared-file-pointer segment the other's
# MPI_File_open maps ("unable to open file for mmap", then MPI_ERR_OTHER).
# dvhpc uses no shared file pointers, so that component is left out.
export OMPI_MCA_sharedfp=^sm
mkdir -p "$data"
bin=$data/dvhpc.bench
cp "$build/dvhpc" "$bin"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
q="--set progress=false --set log_level=warn"
secs() { $py -c "print(f'{$2 - $1:.1f}')"; }

if [ ! -s "$data/gvcfs.txt" ]; then
  t0=$(date +%s.%N)
  [ -s "$data/co.samples.tsv" ] && [ -s "$data/times.txt" ] || mpirun -np 2 --oversubscribe "$bin" simulate $q --set simulate.kind=cohort --set simulate.samples="$n" \
    --set simulate.populations=3 --set simulate.fst=0.05 --set simulate.spectrum=neutral \
    --set simulate.genome_length="$len" --set simulate.coverage="$cov" --set output="$data/co" --set threads=1
  grep -q '^simulate' "$data/times.txt" 2>/dev/null || echo "simulate: $(secs "$t0" "$(date +%s.%N)") s" > "$data/times.txt"
  t0=$(date +%s.%N)
  grep -v '^#' "$data/co.samples.tsv" | cut -f2 | while read -r s; do [ -s "$data/g.$s.g.vcf.gz" ] || echo "$s"; done |
    xargs -P 2 -I{} "$bin" call $q --set threads=1 \
    --set reference="$data/co.fa" --set reads="$data/co.{}.bam" --set gvcf=true --set output="$data/g.{}"
  echo "call with gVCF: $(secs "$t0" "$(date +%s.%N)") s (2 at a time)" >> "$data/times.txt"
  grep -v '^#' "$data/co.samples.tsv" | cut -f2 | sed "s|^|$data/g.|; s|$|.g.vcf.gz|" > "$data/gvcfs.txt"
fi

# timed LABEL CMD... -> "wall rss_MB" (rss of the largest process)
timed() {
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$tmp/$label.log" 2>&1 || { echo "$label failed:" >&2; tail "$tmp/$label.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  local rss=0 f
  for f in "$tmp/$label".rss*; do [ -s "$f" ] && rss=$(( $(tail -1 "$f") > rss ? $(tail -1 "$f") : rss )); done
  echo "$(secs "$t0" "$t1") $((rss / 1024))"
}
j1=$(timed j1 /usr/bin/time -f %M -o "$tmp/j1.rss" "$bin" joint $q --set joint.gvcfs="$data/gvcfs.txt" \
  --set joint.plink=true --set output="$tmp/j1" --set threads=1)
j2=$(timed j2 mpirun -np 2 --oversubscribe sh -c "exec /usr/bin/time -f %M -o $tmp/j2.rss.\$OMPI_COMM_WORLD_RANK \
  $bin joint $q --set joint.gvcfs=$data/gvcfs.txt --set output=$tmp/j2 --set threads=1 --set joint.shard_size=$((len / 10))")
bc=$(timed bc sh -c "/usr/bin/time -f %M -o $tmp/bc.rss.1 bcftools merge --gvcf $data/co.fa -l $data/gvcfs.txt -Ou \
  | /usr/bin/time -f %M -o $tmp/bc.rss.2 bcftools call -mv -Oz -o $tmp/bc.vcf.gz")
sites_j=$(zcat "$tmp/j1.vcf.gz" | grep -vc '^#' || true)
sites_b=$(zcat "$tmp/bc.vcf.gz" | grep -vc '^#' || true)
truth_sites=$(zcat "$data/co.truth.vcf.gz" | grep -vc '^#' || true)
acc_j=$($py "$here/perf/cohort_concordance.py" "$data/co.truth.vcf.gz" "$tmp/j1.vcf.gz")
acc_b=$($py "$here/perf/cohort_concordance.py" "$data/co.truth.vcf.gz" "$tmp/bc.vcf.gz")
grep -v '^#' "$data/co.samples.tsv" | cut -f1-3 > "$tmp/labels.tsv"
"$bin" pca $q --set pca.input="$tmp/j1.h5" --set pca.labels="$tmp/labels.tsv" --set pca.components=4 \
  --set output="$tmp/pca" > /dev/null 2>&1
[ "$n" -gt 1000 ] || cp "$tmp/pca.pca.png" "$here/perf/cohort_pca.png"
sep=$($py - "$tmp/pca.eigenvec" "$tmp/labels.tsv" <<'PY'
import sys
import numpy as np
v = {l.split()[1]: [float(x) for x in l.split()[2:4]] for l in open(sys.argv[1]) if not l.startswith("#")}
lab = {l.split()[1]: l.split()[2] for l in open(sys.argv[2])}
keys = sorted(v); X = np.array([v[k] for k in keys]); y = np.array([lab[k] for k in keys])
m = X.mean(0)
b = sum((y == g).sum() * ((X[y == g].mean(0) - m) ** 2).sum() for g in set(y))
w = sum(((X[y == g] - X[y == g].mean(0)) ** 2).sum() for g in set(y))
print(f"{b / w:.1f}")
PY
)
cat >> "$out" <<MD

## $(date -u +%Y-%m-%d): $n samples x $(($len / 1000)) kb at ${cov}x, 3 populations (F = 0.05)

Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(getconf _NPROCESSORS_ONLN) cores; dvhpc $(git -C "$here" rev-parse --short HEAD); $(bcftools --version | head -1). Command: \`N=$n LEN=$len COV=$cov perf/cohort.sh\`. Data (made once): $(tr '\n' ';' < "$data/times.txt")

| run | wall (s) | peak RSS (MB, per process) | variant sites | accuracy vs truth |
|---|---|---|---|---|
| \`dvhpc joint\`, 1 rank x 1 thread | $(echo "$j1" | cut -d' ' -f1) | $(echo "$j1" | cut -d' ' -f2) | $sites_j | $acc_j |
| \`dvhpc joint\`, 2 ranks x 1 thread (regions of LEN/10) | $(echo "$j2" | cut -d' ' -f1) | $(echo "$j2" | cut -d' ' -f2) | same file | same |
| \`bcftools merge --gvcf \| bcftools call -mv\` | $(echo "$bc" | cut -d' ' -f1) | $(echo "$bc" | cut -d' ' -f2) | $sites_b | $acc_b |

Simulated sites carried by some sample: $truth_sites (accuracy: perf/cohort_concordance.py; nrc = non-reference
genotype concordance over (site, sample) pairs). \`dvhpc pca\` of the joint matrix (perf/cohort_pca.png):
between/within-population variance on PC1-2 = $sep.
MD
tail -n 12 "$out"
