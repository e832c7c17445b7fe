#!/usr/bin/env bash
# `call` with `gvcf: true`: per-sample gVCFs that are byte-identical at 1 and
# 2 ranks, cover every base exactly once (reference blocks + site records),
# pass `bcftools view` and `bcftools merge --gvcf`, and on real NA12878
# (../shared; skipped when absent) keep every truth variant with 3 or more
# supporting reads out of reference blocks of GQ >= 20.
# usage: gvcf_cli.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
bin=$1
src=$2
py=/usr/bin/python3
check="$py $src/tests/cli/gvcf_check.py"
command -v bcftools >/dev/null || { echo "SKIP: bcftools not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
. "$src/tests/cli/lib.bash"
cli_setup
q="--set progress=false --set log_level=warn"

# Two samples of one random genome (different seeds: different variants and reads).
"$bin" simulate $q --set simulate.genome_length=200000 --set simulate.coverage=25 --set sample=A --set output=a || fail "simulate A"
"$bin" simulate $q --set simulate.genome_length=200000 --set simulate.coverage=25 --set sample=B --set simulate.seed=2 \
  --set reference=a.fa --set output=b || fail "simulate B"
printf 'reference: a.fa\nreads: [a.bam, b.bam]\ngvcf: true\npartition: {shard_size: 50000}\n' > c.yaml
"$bin" call c.yaml $q --set output=one > /dev/null 2>&1 || fail "call (1 rank) exited $?"
mpirun -np 2 --oversubscribe "$bin" call c.yaml $q --set output=two --set threads=1 > /dev/null 2>&1 || fail "call (2 ranks) exited $?"
for s in A B; do
  [ -s one.$s.g.vcf.gz ] && [ -s one.$s.g.vcf.gz.tbi ] || fail "one.$s.g.vcf.gz (+.tbi) missing"
  cmp -s <(zcat one.$s.g.vcf.gz | grep -v '^##source') <(zcat two.$s.g.vcf.gz | grep -v '^##source') \
    && ok "sample $s: gVCF identical at 1 and 2 ranks" || fail "sample $s: gVCF differs between 1 and 2 ranks"
  bcftools view one.$s.g.vcf.gz > /dev/null && ok "sample $s: bcftools view reads it" || fail "bcftools view one.$s.g.vcf.gz"
  awk '{print $1"\t"$2"\t"$3}' a.bed > regions.bed
  $check cover one.$s.g.vcf.gz regions.bed || fail "sample $s: coverage"
done
bcftools merge --gvcf a.fa -Oz -o merged.vcf.gz one.A.g.vcf.gz one.B.g.vcf.gz 2> merge.log \
  && [ "$(bcftools query -l merged.vcf.gz | tr '\n' ' ')" = "A B " ] && ok "bcftools merge --gvcf merges the two samples" \
  || { fail "bcftools merge --gvcf"; cat merge.log; }
bcftools call -mv -Oz -o merged.called.vcf.gz merged.vcf.gz 2> call.log \
  && [ "$(bcftools view -H merged.called.vcf.gz | wc -l)" -gt 0 ] && ok "bcftools call -mv genotypes the merged gVCFs (INFO/QS)" \
  || { fail "bcftools call -mv on the merged gVCFs"; cat call.log; }

# A shard boundary inside a deletion: the next shard's blocks start where the
# deletion ends (revised at assembly), at 1 and 2 ranks alike.
del=$(zcat one.A.g.vcf.gz | awk '!/^#/ && $5 != "<*>" && length($4) >= 3 && $2 > 2000 {print $2; exit}')
if [ -n "$del" ]; then
  cut=$((del + 1))  # 0-based boundary one base into the deleted bases
  r="sim1:$((cut - 999))-$((cut + 1000))"
  printf 'sim1\t%d\t%d\n' $((cut - 1000)) $((cut + 1000)) > cut.bed
  "$bin" call $q --set reference=a.fa --set reads=a.bam --set gvcf=true --set partition.shard_size=1000 \
    --set "regions=[\"$r\"]" --set output=cut1 > /dev/null 2>&1 || fail "call across a deletion exited $?"
  mpirun -np 2 --oversubscribe "$bin" call $q --set reference=a.fa --set reads=a.bam --set gvcf=true --set threads=1 \
    --set partition.shard_size=1000 --set "regions=[\"$r\"]" --set output=cut2 > /dev/null 2>&1 || fail "call (2 ranks) exited $?"
  echo "deletion at sim1:$del, shards of $r cut at $cut (0-based):"
  $check cover cut1.g.vcf.gz cut.bed || fail "a deletion across a shard boundary: coverage"
  cmp -s <(zcat cut1.g.vcf.gz | grep -v '^##source') <(zcat cut2.g.vcf.gz | grep -v '^##source') \
    && ok "boundary in a deletion: gVCF identical at 1 and 2 ranks" || fail "boundary in a deletion: gVCFs differ"
else
  fail "no deletion of 2+ bases in sample A to cut a shard in"
fi

d=$src/../shared/data/na12878_hg19_chr20_10mb_illumina
if [ -f "$d/NA12878_S1.chr20.10_10p1mb.bam" ]; then
  ref=$d/ucsc.hg19.chr20.unittest.fasta.gz
  "$bin" call $q --set reference=$ref --set reads=$d/NA12878_S1.chr20.10_10p1mb.bam \
    --set 'regions=["chr20:10000001-10100000"]' --set gvcf=true --set output=na > /dev/null 2>&1 || fail "NA12878 call exited $?"
  printf 'chr20\t10000000\t10100000\n' > na.bed
  echo "NA12878 chr20:10.0-10.1 Mb:"
  $check cover na.g.vcf.gz na.bed || fail "NA12878 coverage"
  bcftools mpileup -f $ref -T $d/test_nist.b37_chr20_100kbp_at_10mb.vcf.gz -a AD -Oz -o truth_ad.vcf.gz \
    $d/NA12878_S1.chr20.10_10p1mb.bam 2> /dev/null || fail "bcftools mpileup at the truth sites"
  $check truth na.g.vcf.gz truth_ad.vcf.gz 3 || fail "a truth variant sits in a confident reference block"
else
  echo "note: ../shared/data/na12878_hg19_chr20_10mb_illumina absent; real-data checks skipped"
fi
cli_finish gvcf
