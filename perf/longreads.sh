#!/usr/bin/env bash
# Long reads: dvhpc call (--preset hifi / ont, and default settings) against
# bcftools on the same reads. Prints a markdown block (append it to
# perf/RESULTS_longreads.md).
#
#   perf/longreads.sh [BUILD_DIR]
# (a) real HG002 PacBio HiFi, 250 kb of chr5 (no truth: wall time, peak RSS,
#     agreement with bcftools);
# (b) simulated HiFi and ONT at 30x on chr20:1,000,001-2,000,000 of GRCh38
#     with HG002's GIAB variants planted (`dvhpc simulate`, read_model
#     hifi / ont): SNP and INDEL F1 by `dvhpc eval` against the planted truth.
# BEFORE_BIN=path also times a dvhpc binary from before the fragment
# realigner on (a) with default settings (about 10 minutes).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}; bin=$build/dvhpc
data=${DVHPC_SHARED_DATA:-$here/../shared/data}
hifi=$data/hg002_hifi_grch38_chr5_14mb
basis=$data/grch38_chr20_first5mb_sim_basis
reps=${REPS:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive OMP_NUM_THREADS=1

timed() {  # NAME CMD... -> "wall_s rss_mb" of the fastest of $reps runs (RSS of that run)
  local name=$1 best=999999 rss=0; shift
  for _ in $(seq "$reps"); do
    /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
    read -r w m < "$tmp/$name.time"
    if python3 -c "import sys; sys.exit(not ($w < $best))"; then best=$w; rss=$m; fi
  done
  printf "%.2f %.0f" "$best" "$(python3 -c "print($rss / 1024)")"
}
f1() {  # CALLS TRUTH BED REF -> "snp_f1 indel_f1 (TP/FN/FP each)"
  "$bin" eval --truth "$2" --bed "$3" --ref "$4" --calls "$1" --out "$tmp/e" 2> /dev/null |
    awk '$2 == "ALL" && ($1 == "SNP" || $1 == "INDEL") { printf "%s %.4f (%s/%s/%s) ", $1, $11, $4, $5, $7 }'
}
row() { echo "| $* |"; }

echo "## $(date -u +%F) on $(nproc --all) cores, load before: $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "Command: \`perf/longreads.sh\`; dvhpc $("$bin" version | head -1 | cut -d' ' -f2), 1 rank x 1 thread; $(bcftools --version | head -1); wall time best of $reps, peak RSS of that run."
echo

# (a) real HiFi
ref=$hifi/GRCh38_chr5.13.9_14.15mb_Npadded.fa.gz; bam=$hifi/HG002.revio_hifi.chr5_13.88_14.15mb.GRCh38.bam
region=chr5:13903751-14153461
printf 'reference: %s\nreads: %s\nregions: ["%s"]\nthreads: 1\nprogress: false\n' "$ref" "$bam" "$region" > "$tmp/real.yaml"
echo "### (a) real HG002 PacBio HiFi (Revio), $region (250 kb, 384 reads of ~20 kb, ~27x)"
echo
row "run | wall (s) | peak RSS (MB) | records"
row "---|--:|--:|--:"
for mode in hifi default; do
  set -- call "$tmp/real.yaml" --set output="$tmp/real_$mode"
  [ "$mode" = hifi ] && set -- "$@" --preset hifi
  read -r w m <<< "$(timed "real_$mode" "$bin" "$@")"
  row "dvhpc call $([ "$mode" = hifi ] && echo "--preset hifi" || echo "(default settings)") | $w | $m | $(zcat "$tmp/real_$mode.vcf.gz" | grep -vc '^#')"
done
read -r w m <<< "$(timed real_bc sh -c "bcftools mpileup -X pacbio-ccs -f $ref -r $region -a AD,DP -Ou $bam 2>/dev/null | bcftools call -mv -Oz -o $tmp/real_bc.vcf.gz")"
row "bcftools mpileup -X pacbio-ccs \\| call -mv | $w | $m | $(zcat "$tmp/real_bc.vcf.gz" | grep -vc '^#')"
if [ -n "${BEFORE_BIN:-}" ]; then
  reps_save=$reps; reps=1
  read -r w m <<< "$(timed real_before "$BEFORE_BIN" call "$tmp/real.yaml" --set output="$tmp/real_before")"
  reps=$reps_save
  row "dvhpc call (default settings), binary before the fragment realigner (1 run) | $w | $m | $(zcat "$tmp/real_before.vcf.gz" | grep -vc '^#')"
fi
echo
printf '%s\t%s\t%s\n' chr5 13903750 14153461 > "$tmp/real.bed"
echo "Agreement with bcftools (its calls scored as if truth; no real truth here): --preset hifi $(f1 "$tmp/real_hifi.vcf.gz" "$tmp/real_bc.vcf.gz" "$tmp/real.bed" "$ref"); default $(f1 "$tmp/real_default.vcf.gz" "$tmp/real_bc.vcf.gz" "$tmp/real.bed" "$ref")"
echo

# (b) simulated long reads with planted truth
sref=$basis/GRCh38_chr20.first5Mb_Npadded.fa.gz; svcf=$basis/HG002_GRCh38_v4.2.1_benchmark.chr20_first5Mb.vcf.gz
sregion=chr20:1000001-2000000
for model in hifi ont; do
  printf 'reference: %s\nregions: ["%s"]\noutput: %s\nthreads: 2\nprogress: false\nsimulate: {coverage: 30, read_model: %s, variants_vcf: %s, seed: 7}\n' \
    "$sref" "$sregion" "$tmp/$model" "$model" "$svcf" > "$tmp/sim_$model.yaml"
  "$bin" simulate "$tmp/sim_$model.yaml" > /dev/null 2>&1
  printf 'reference: %s\nreads: %s\nregions: ["%s"]\nthreads: 1\nprogress: false\n' "$sref" "$tmp/$model.bam" "$sregion" > "$tmp/c_$model.yaml"
  echo "### (b) simulated $model at 30x, $sregion, HG002 v4.2.1 variants planted ($(samtools view -c "$tmp/$model.bam") reads)"
  echo
  echo "Made by \`dvhpc simulate\` with \`simulate: {coverage: 30, read_model: $model, variants_vcf: HG002_GRCh38_v4.2.1_benchmark.chr20_first5Mb.vcf.gz, seed: 7}\`; scored inside the simulated region (every planted variant is truth there). F1 (TP/FN/FP)."
  echo
  row "run | wall (s) | SNP F1 | INDEL F1"
  row "---|--:|--:|--:"
  for mode in preset default; do
    set -- call "$tmp/c_$model.yaml" --set output="$tmp/${model}_$mode"
    [ "$mode" = preset ] && set -- "$@" --preset "$model"
    read -r w m <<< "$(timed "${model}_$mode" "$bin" "$@")"
    row "dvhpc call $([ "$mode" = preset ] && echo "--preset $model" || echo "(default settings)") | $w | $(f1 "$tmp/${model}_$mode.vcf.gz" "$tmp/$model.truth.vcf.gz" "$tmp/$model.bed" "$sref" | awk '{print $2" "$3" | "$5" "$6}')"
  done
  x=$([ "$model" = hifi ] && echo pacbio-ccs || echo ont)
  reps_save=$reps; reps=1  # bcftools' full BAQ (-X sets -D) takes minutes on these reads
  read -r w m <<< "$(timed "${model}_bc" sh -c "bcftools mpileup -X $x -f $sref -r $sregion -a AD,DP -Ou $tmp/$model.bam 2>/dev/null | bcftools call -mv -Oz -o $tmp/${model}_bc.vcf.gz")"
  reps=$reps_save
  row "bcftools mpileup -X $x \\| call -mv (1 run) | $w | $(f1 "$tmp/${model}_bc.vcf.gz" "$tmp/$model.truth.vcf.gz" "$tmp/$model.bed" "$sref" | awk '{print $2" "$3" | "$5" "$6}')"
  echo
done
