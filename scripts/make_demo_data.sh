#!/usr/bin/env bash
# Makes the built-in demo data set: a synthetic two-contig genome, a known
# diploid truth (SNPs and indels, het and hom), 30x Illumina-like paired reads
# simulated by ART from the two haplotypes and aligned back with bwa mem.
# Everything comes from Debian packages and a fixed seed, so no download is
# needed and the result is reproducible.
#
#   scripts/make_demo_data.sh [OUTDIR] [COVERAGE]     (default demo-data, 30)
#
# Writes OUTDIR/{ref.fa(.fai), truth.vcf.gz(.tbi), confident.bed, demo.bam(.bai)}.
set -euo pipefail
out=${1:-demo-data}
cov=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$out/demo.bam.bai" ] && [ -f "$out/truth.vcf.gz.tbi" ]; then
  echo "demo data present in $out"; exit 0
fi
mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

python3 "$here/demo_genome.py" --out "$out" --seed 7
samtools faidx "$out/ref.fa"
bgzip -f "$out/truth.vcf" && tabix -f -p vcf "$out/truth.vcf.gz"

half=$(python3 -c "print($cov/2)")
for h in 1 2; do
  bcftools consensus -s DEMO -H $h -f "$out/ref.fa" "$out/truth.vcf.gz" > "$work/hap$h.fa" 2>/dev/null
  art_illumina -ss HS25 -i "$work/hap$h.fa" -p -l 150 -f "$half" -m 400 -s 50 -rs $((h + 10)) \
    -o "$work/h${h}_" -na -q > /dev/null 2>&1
done
cat "$work/h1_1.fq" "$work/h2_1.fq" > "$work/r1.fq"
cat "$work/h1_2.fq" "$work/h2_2.fq" > "$work/r2.fq"
bwa index "$out/ref.fa" 2> /dev/null
bwa mem -t "$(nproc)" -R '@RG\tID:demo\tSM:DEMO' "$out/ref.fa" "$work/r1.fq" "$work/r2.fq" 2> /dev/null |
  samtools sort -@ 2 -o "$work/demo.bam" - 2> /dev/null
mv "$work/demo.bam" "$out/demo.bam"
samtools index "$out/demo.bam"
rm -f "$out"/ref.fa.{amb,ann,bwt,pac,sa}
echo "demo data written to $out: $(samtools view -c "$out/demo.bam") reads, $(zcat "$out/truth.vcf.gz" | grep -vc '^#') truth variants"
