#!/usr/bin/env bash
# dvhpc call against bcftools (mpileup | call -mv) on the same reads: wall time
# (best of REPS) and accuracy scored by `dvhpc eval` for both, written as a
# dated block to perf/RESULTS_call.md.
#
#   perf/call_vs_bcftools.sh [BUILD_DIR]
# Data sets: the NA12878 100 kb window in ../shared/data (confident BED and
# whole window), and, when present, the held-out simulated 1 Mb at 30x
# ($HELDOUT, default /work/data/heldout_3mb_30x, made by
# scripts/make_sim_bam.sh chr20:3000001-4000000 30 DIR: never used for training).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}; bin=$build/dvhpc
reps=${REPS:-3}
data=${DVHPC_SHARED_DATA:-$here/../shared/data}/na12878_hg19_chr20_10mb_illumina
heldout=${HELDOUT:-/work/data/heldout_3mb_30x}
out=$here/perf/RESULTS_call.md
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive

best_of() {  # seconds of the fastest of $reps runs of "$@"
  local best=999999 s e
  for _ in $(seq "$reps"); do
    s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
    best=$(python3 -c "print(min($best, $e - $s))")
  done
  printf "%.3f" "$best"
}
score() {  # score NAME CALLS TRUTH BED REF [MATCH] -> table rows
  "$bin" eval --truth "$3" --bed "$4" --ref "$5" --calls "$2" --out "$tmp/e" --set eval.match="${6:-allele}" 2> /dev/null |
    awk -v n="$1" '$2 == "ALL" && ($1 == "SNP" || $1 == "INDEL") {
      printf "| %s | %s | %s | %s | %s | %.4f | %.4f | %.4f |\n", n, $1, $4, $7, $5, $10, $9, $11 }'
}
table() {  # TRUTH BED REF MATCH -> markdown table of dvhpc and bcftools
  echo "| caller | type | TP | FP | FN | precision | recall | F1 |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|"
  score dvhpc "$tmp/dv.vcf.gz" "$@"
  score bcftools "$tmp/bc.vcf.gz" "$@"
  echo
}
run_set() {  # NAME BAM REF REGION TRUTH BED [BED2]
  local name=$1 bam=$2 ref=$3 region=$4 truth=$5; shift 5
  cat > "$tmp/c.yaml" <<YAML
reference: $ref
reads: $bam
regions: ["$region"]
output: $tmp/dv
threads: 1
progress: false
YAML
  local t1 t2 tb
  t1=$(best_of env OMP_NUM_THREADS=1 "$bin" call "$tmp/c.yaml")
  t2=$(best_of env OMP_NUM_THREADS=1 mpirun -np 2 --oversubscribe "$bin" call "$tmp/c.yaml")
  tb=$(best_of sh -c "bcftools mpileup -f $ref -r $region -a AD,DP -Ou $bam 2>/dev/null | bcftools call -mv -Oz -o $tmp/bc.vcf.gz 2>/dev/null")
  "$bin" call "$tmp/c.yaml" 2> "$tmp/dv.log"
  bcftools mpileup -f "$ref" -r "$region" -a AD,DP -Ou "$bam" 2> /dev/null | bcftools call -mv -Oz -o "$tmp/bc.vcf.gz" 2> /dev/null
  echo "### $name ($region)"
  echo
  echo "Wall time, best of $reps: dvhpc call 1 rank x 1 thread **${t1} s**, 2 ranks x 1 thread ${t2} s; bcftools mpileup | call -mv **${tb} s** (ratio bcftools/dvhpc at 1 core: $(python3 -c "print(f'{$tb / $t1:.2f}')")x)."
  grep -o "[0-9]* candidate sites ([0-9]* re-examined by the CNN), [0-9]* variant records" "$tmp/dv.log" | sed 's/^/dvhpc: /'
  echo
  for bed in "$@"; do
    echo "Scored by \`dvhpc eval\` inside \`$(basename "$bed")\`:"
    echo
    table "$truth" "$bed" "$ref" allele
    echo "The same with haplotype-aware matching (\`--set eval.match=haplotype\`):"
    echo
    table "$truth" "$bed" "$ref" haplotype
  done
}
{
  echo "## $(date -u +%F) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load before: $(cut -d' ' -f1 /proc/loadavg)"
  echo
  echo "Command: \`perf/call_vs_bcftools.sh\`; dvhpc $("$bin" version | head -1 | cut -d' ' -f2), models from models/ (RNN; CNN for RNN GQ < 20); bcftools $(bcftools --version | head -1 | cut -d' ' -f2)."
  echo
  run_set "NA12878, real Illumina 2x101 ~50x (hg19)" "$data/NA12878_S1.chr20.10_10p1mb.bam" \
    "$data/ucsc.hg19.chr20.unittest.fasta.gz" chr20:10000001-10100000 \
    "$data/test_nist.b37_chr20_100kbp_at_10mb.vcf.gz" "$data/test_nist.b37_chr20_100kbp_at_10mb.bed" \
    "$data/region_chr20_10000000_10100000.bed"
  if [ -s "$heldout/sim.bam" ]; then
    echo "chr20	3000000	4000000" > "$tmp/heldout.bed"
    run_set "held-out simulation: HG002 variants planted in GRCh38, ART HiSeq 2x150 30x, bwa mem" \
      "$heldout/sim.bam" "$heldout/ref.fa" chr20:3000001-4000000 "$heldout/truth.vcf.gz" "$tmp/heldout.bed"
  fi
} | tee -a "$out"
