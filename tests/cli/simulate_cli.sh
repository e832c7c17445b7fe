#!/usr/bin/env bash
# `dvhpc simulate` gives the same reads, truth and reference at 1 and 2 ranks,
# leaves no temporary files, and replays a VCF of variants (simulate.variants_vcf).
# usage: simulate_cli.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
bin=$1
command -v samtools >/dev/null || { echo "SKIP: samtools not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# Several spans (shard_size) so that 2 ranks each write a part of the BAM.
printf 'progress: false\nlog_level: warn\npartition:\n  shard_size: 40000\nsimulate:\n  genome_length: 250000\n  coverage: 8\n  indel_rate: 0.001\n  seed: 7\n' > sim.yaml
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
"$bin" simulate sim.yaml --set output=np1 || fail "np1 run exited $?"
mpirun -np 2 --oversubscribe "$bin" simulate sim.yaml --set output=np2 --set threads=1 || fail "np2 run exited $?"
for p in np1 np2; do
  for f in $p.bam $p.bam.bai $p.truth.vcf.gz $p.truth.vcf.gz.tbi $p.bed $p.fa $p.fa.fai; do
    [ -s "$f" ] || fail "$f missing"
  done
  samtools quickcheck $p.bam || fail "$p.bam fails samtools quickcheck"
done
leftover=$(ls | grep -E 'tmp|part' || true)
[ -z "$leftover" ] || fail "temporary files left: $leftover"
reads() { samtools view "$1.bam" | md5sum; }
records() { zcat "$1.truth.vcf.gz" | grep -v '^#' | md5sum; }
n=$(samtools view -c np1.bam)
[ "$n" -gt 10000 ] || fail "only $n reads"
[ "$(reads np1)" = "$(reads np2)" ] && echo "ok   BAM records identical at 1 and 2 ranks ($n reads)" || fail "BAM records differ between 1 and 2 ranks"
[ "$(records np1)" = "$(records np2)" ] && echo "ok   truth VCF records identical" || fail "truth VCF records differ"
cmp -s np1.fa np2.fa && echo "ok   random reference identical" || fail "random reference differs"
cmp -s np1.bed np2.bed || fail "BED differs"
# Replaying the truth as simulate.variants_vcf plants exactly the same variants.
mpirun -np 2 --oversubscribe "$bin" simulate sim.yaml --set output=vcf --set reference=np1.fa \
  --set simulate.variants_vcf=np1.truth.vcf.gz --set threads=1 || fail "variants_vcf run exited $?"
[ "$(records np1)" = "$(records vcf)" ] && echo "ok   variants_vcf replays the truth" || fail "variants_vcf truth differs from its input"
samtools quickcheck vcf.bam || fail "vcf.bam fails quickcheck"
[ ! -e vcf.fa ] || fail "a random reference was written although reference: was given"
echo "$fails failure(s)"
[ $fails -eq 0 ]
