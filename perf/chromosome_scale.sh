#!/usr/bin/env bash
# Chromosome-scale `dvhpc call` (issue 14): memory per rank must not grow
# with the genome, and the time must hold against bcftools on the same BAM.
#
#   perf/chromosome_scale.sh [BUILD_DIR]
#
# Makes (once, in $CHROM_DATA, default /work/data/chrom100) a random genome of
# $LEN bases (default 100 Mb) at 30x with `dvhpc simulate`, then measures wall
# time and peak RSS (GNU time) of
#   - dvhpc call, 1 rank x 1 thread, on the first 5 Mb, the first 50 Mb and the whole genome;
#   - dvhpc call, 2 ranks x 1 thread, on the whole genome (peak RSS of each rank);
#   - bcftools mpileup | bcftools call -mv on the whole genome;
# scores both call sets against the planted truth with `dvhpc eval`, and
# appends a dated block to perf/RESULTS_chromosome.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
data=${CHROM_DATA:-/work/data/chrom100}
len=${LEN:-100000000}
out=$here/perf/RESULTS_chromosome.md
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive OMP_NUM_THREADS=1
mkdir -p "$data"
# A private copy of the binary, so that rebuilding during the run changes nothing.
bin=$data/dvhpc.bench
cp "$build/dvhpc" "$bin"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ ! -s "$data/sim.bam" ]; then
  s=$(date +%s.%N)
  mpirun -np 2 --oversubscribe "$bin" simulate --set simulate.genome_length="$len" --set simulate.coverage=30 \
    --set simulate.seed=14 --set output="$data/sim" --set threads=1 --set progress=false 2> "$data/simulate.log"
  echo "simulate: $(python3 -c "print(f'{$(date +%s.%N) - $s:.0f}')") s" >> "$data/simulate.log"
fi
contig=$(cut -f1 "$data/sim.fa.fai" | head -1)
clen=$(cut -f2 "$data/sim.fa.fai" | head -1)
cat > "$tmp/c.yaml" <<YAML
reference: $data/sim.fa
reads: $data/sim.bam
threads: 1
progress: false
YAML

# run LABEL NP REGION_END -> "wall rss_rank0 [rss_rank1]" (seconds, MB); outputs in $tmp/LABEL
run_call() {
  local label=$1 np=$2 end=$3
  local t0 t1
  t0=$(date +%s.%N)
  mpirun -np "$np" --oversubscribe sh -c "exec /usr/bin/time -f %M -o $tmp/$label.rss.\$OMPI_COMM_WORLD_RANK \
    $bin call $tmp/c.yaml --set output=$tmp/$label --set 'regions=[\"$contig:1-$end\"]'" 2> "$tmp/$label.log"
  t1=$(date +%s.%N)
  local rss=""
  for r in $(seq 0 $((np - 1))); do rss="$rss $(( $(cat "$tmp/$label.rss.$r") / 1024 ))"; done
  echo "$(python3 -c "print(f'{$t1 - $t0:.1f}')")$rss"
}
score() {  # CALLS -> "SNP F1 / INDEL F1"
  echo -e "$contig\t0\t$clen" > "$tmp/all.bed"
  "$bin" eval --truth "$data/sim.truth.vcf.gz" --bed "$tmp/all.bed" --ref "$data/sim.fa" --calls "$1" --out "$tmp/e" 2> /dev/null |
    awk '$2 == "ALL" && ($1 == "SNP" || $1 == "INDEL") { printf "%s F1 %.4f (P %.4f R %.4f)  ", $1, $11, $10, $9 }'
}

r5=$(run_call c5 1 5000000)
r50=$(run_call c50 1 50000000)
r100=$(run_call c100 1 "$clen")
r100x2=$(run_call c100x2 2 "$clen")
cmp -s "$tmp/c100.vcf.gz" "$tmp/c100x2.vcf.gz" && same="byte-identical" || same="DIFFERENT"
# bcftools does not change between runs of this script: its result is kept
# in $data (BCFTOOLS_RERUN=1 measures it again).
if [ ! -s "$data/bc.time" ] || [ "${BCFTOOLS_RERUN:-0}" = 1 ]; then
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$data/bc.rss" sh -c "bcftools mpileup -f $data/sim.fa -a AD,DP -Ou $data/sim.bam 2>/dev/null |
    bcftools call -mv -Oz -o $data/bc.vcf.gz 2>/dev/null"
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.1f}')" > "$data/bc.time"
  echo "$(date -u +%F), load before $(cut -d' ' -f1 /proc/loadavg)" > "$data/bc.when"
  tabix -f -p vcf "$data/bc.vcf.gz"
fi
tbc=$(cat "$data/bc.time")
rbc=$(( $(cat "$data/bc.rss") / 1024 ))
cp "$data/bc.vcf.gz" "$tmp/bc.vcf.gz"; cp "$data/bc.vcf.gz.tbi" "$tmp/bc.vcf.gz.tbi"
acc_dv=$(score "$tmp/c100.vcf.gz")
acc_bc=$(score "$tmp/bc.vcf.gz")
read -r w5 m5 <<< "$r5"; read -r w50 m50 <<< "$r50"; read -r w100 m100 <<< "$r100"; read -r w2 m2a m2b <<< "$r100x2"
{
  echo "## $(date -u +%F) on $(getconf _NPROCESSORS_ONLN) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load before: $(cut -d' ' -f1 /proc/loadavg)"
  echo
  echo "Command: \`perf/chromosome_scale.sh\`; dvhpc $("$bin" version | head -1 | cut -d' ' -f2), bcftools $(bcftools --version | head -1 | cut -d' ' -f2); genome: \`dvhpc simulate\` random $((clen / 1000000)) Mb at 30x (seed 14), default shard size (1 Mb), 1 thread per rank. Peak RSS from GNU time per process."
  echo
  echo "| run | wall (s) | peak RSS per rank (MB) |"
  echo "|---|--:|--:|"
  echo "| dvhpc call, 1 rank, first 5 Mb | $w5 | $m5 |"
  echo "| dvhpc call, 1 rank, first 50 Mb | $w50 | $m50 |"
  echo "| dvhpc call, 1 rank, whole $((clen / 1000000)) Mb | $w100 | $m100 |"
  echo "| dvhpc call, 2 ranks, whole $((clen / 1000000)) Mb | $w2 | $m2a (rank 0), $m2b (rank 1) |"
  echo "| bcftools mpileup \\| call -mv, whole $((clen / 1000000)) Mb (measured $(cat "$data/bc.when")) | $tbc | $rbc |"
  echo
  echo "Peak RSS 50 Mb / 5 Mb: $(python3 -c "print(f'{$m50 / $m5:.3f}')"); $((clen / 1000000)) Mb / 5 Mb: $(python3 -c "print(f'{$m100 / $m5:.3f}')"); rank 0 / rank 1 at 2 ranks: $(python3 -c "print(f'{$m2a / $m2b:.3f}')"). VCF at 2 ranks vs 1 rank: $same. bcftools / dvhpc wall at 1 core: $(python3 -c "print(f'{$tbc / $w100:.2f}')")x; strong scaling 1 -> 2 ranks: $(python3 -c "print(f'{$w100 / $w2:.2f}')")x."
  echo
  echo "Accuracy against the planted truth (whole genome, \`dvhpc eval\`): dvhpc: $acc_dv; bcftools: $acc_bc"
  echo
  echo "Per-stage report of the 2-rank run (seconds, min / median / max over ranks):"
  echo
  echo '```'
  sed -n '/runtime report/,$p' "$tmp/c100x2.log"
  echo '```'
  echo
} | tee -a "$out"
