#!/usr/bin/env bash
# Makes a realistic simulated BAM from the GRCh38 chr20 simulation basis in
# shared/data (see its README): the GIAB HG002 variants of WINDOW are planted
# into two haplotypes, ART simulates 2x150 bp HiSeq 2500 reads at COVERAGE/2
# per haplotype, bwa mem aligns them to the full-length chr20 reference.
#
#   scripts/make_sim_bam.sh chr20:1000001-2000000 30 /tmp/sim1mb
#   -> OUTDIR/sim.bam(.bai), OUTDIR/ref.fa(.fai), OUTDIR/truth.vcf.gz(.tbi)
#
# Environment: ART_PROFILE READ_LEN FRAG_MEAN FRAG_SD ART_EXTRA (platform, below),
# STUTTER (repeat slippage, below), PARALOG_COVERAGE (paralog artefacts, below), THREADS.
# Needs: samtools bcftools tabix bwa art-nextgen-simulation-tools (Debian).
# OUTDIR should be outside the repository (or in a git-ignored folder).
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 WINDOW COVERAGE OUTDIR   (e.g. chr20:1000001-2000000 30 /tmp/sim1mb)" >&2
  exit 2
fi
WINDOW=$1 COVERAGE=$2 OUT=$3
HERE=$(cd "$(dirname "$0")/.." && pwd)
BASIS=${DVHPC_SHARED_DATA:-$HERE/../shared/data}/grch38_chr20_first5mb_sim_basis
for tool in samtools bcftools tabix bwa art_illumina; do
  command -v $tool >/dev/null || { echo "error: $tool not found: apt-get install -y samtools bcftools tabix bwa art-nextgen-simulation-tools" >&2; exit 1; }
done
[ -d "$BASIS" ] || { echo "error: simulation basis not found at $BASIS (set DVHPC_SHARED_DATA)" >&2; exit 1; }
THREADS=${THREADS:-2}
PER_HAP=$(awk -v c="$COVERAGE" 'BEGIN { printf "%g", c / 2 }')
mkdir -p "$OUT"
cd "$OUT"
if [ ! -s ref.fa.bwt ]; then
  zcat "$BASIS/GRCh38_chr20.first5Mb_Npadded.fa.gz" > ref.fa
  samtools faidx ref.fa
  bwa index ref.fa 2> bwa_index.log
fi
bcftools view -r "$WINDOW" "$BASIS/HG002_GRCh38_v4.2.1_benchmark.chr20_first5Mb.vcf.gz" -Oz -o truth.vcf.gz
tabix -f -p vcf truth.vcf.gz
for h in 1 2; do
  samtools faidx ref.fa "$WINDOW" | bcftools consensus -H $h truth.vcf.gz > hap$h.fa 2> consensus$h.log
  # ART_EXTRA adds options, e.g. "-qs -10 -qs2 -10" for noisier reads (more error-driven
  # candidates, i.e. more hom-ref training examples).
  # shellcheck disable=SC2086
  # ART_PROFILE/READ_LEN/FRAG_MEAN/FRAG_SD choose the platform (e.g. HS20 101 300 30
  # for HiSeq 2000 2x101 like the NA12878 test reads).
  art_illumina -ss "${ART_PROFILE:-HS25}" -i hap$h.fa -p -l "${READ_LEN:-150}" -f "$PER_HAP" -m "${FRAG_MEAN:-400}" \
    -s "${FRAG_SD:-50}" -rs $h -o h${h}_ -na ${ART_EXTRA:-} > art$h.log
done
cat h1_1.fq h2_1.fq > r1.fq
cat h1_2.fq h2_2.fq > r2.fq
# PARALOG_COVERAGE=X (e.g. 10) adds reads at X-fold from diverged copies of
# random segments (scripts/add_paralogs.py): clustered low-fraction
# artefacts that real reads show and a small reference cannot. Labelled hom-ref.
if [ "${PARALOG_COVERAGE:-0}" != 0 ]; then
  python3 "$HERE/scripts/add_paralogs.py" --seed 7 hap1.fa > paralogs.fa 2> paralogs.log
  # shellcheck disable=SC2086
  art_illumina -ss "${ART_PROFILE:-HS25}" -i paralogs.fa -p -l "${READ_LEN:-150}" -f "$PARALOG_COVERAGE" \
    -m "${FRAG_MEAN:-400}" -s "${FRAG_SD:-50}" -rs 3 -o p_ -na ${ART_EXTRA:-} > art_paralogs.log
  cat p_1.fq >> r1.fq
  cat p_2.fq >> r2.fq
  rm -f p_1.fq p_2.fq
fi
# STUTTER=SCALE (e.g. 1) adds repeat-unit slippage to the reads, which ART
# lacks (scripts/add_stutter.py); unset or 0: plain ART reads.
if [ "${STUTTER:-0}" != 0 ]; then
  for m in 1 2; do
    python3 "$HERE/scripts/add_stutter.py" --seed "$m" --scale "$STUTTER" < r$m.fq > r$m.stutter.fq 2>> stutter.log
    mv r$m.stutter.fq r$m.fq
  done
fi
bwa mem -t "$THREADS" -R '@RG\tID:sim\tSM:HG002' ref.fa r1.fq r2.fq 2> bwa_mem.log |
  samtools sort -@ "$THREADS" -o sim.bam -
samtools index sim.bam
rm -f h1_*.fq h2_*.fq r1.fq r2.fq
echo "wrote $OUT/sim.bam ($(samtools view -c sim.bam) records) for $WINDOW at ${COVERAGE}x"
