#!/usr/bin/env bash
# `dvhpc joint`: three samples called one by one with `gvcf: true`, then
# joined. The cohort VCF is the same at 1 and 2 ranks, bcftools reads it,
# its genotypes agree with calling the three BAMs together on >= 99.5% of
# (site, sample) pairs (the rest listed), per-sample accuracy against the
# simulated truth is within one variant of the single-sample calls, and the
# genotype matrix (PREFIX.h5, PLINK) feeds `dvhpc pca`. A simulated trio
# (`simulate.kind: cohort`) has no Mendelian error in its joint calls.
# usage: joint_cli.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
bin=$1
src=$2
py=/usr/bin/python3
command -v bcftools >/dev/null || { echo "SKIP: bcftools not installed"; exit 77; }
command -v samtools >/dev/null || { echo "SKIP: samtools not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
. "$src/tests/cli/lib.bash"
cli_setup
q="--set progress=false --set log_level=warn"
sim="--set simulate.genome_length=200000 --set simulate.coverage=25"
"$bin" simulate $q $sim --set sample=A --set output=a > /dev/null 2>&1 || fail "simulate A"
"$bin" simulate $q $sim --set sample=B --set simulate.seed=2 --set reference=a.fa --set output=b > /dev/null 2>&1 || fail "simulate B"
"$bin" simulate $q $sim --set sample=C --set simulate.seed=3 --set reference=a.fa --set output=c > /dev/null 2>&1 || fail "simulate C"
for s in a b c; do
  "$bin" call $q --set reference=a.fa --set reads=$s.bam --set gvcf=true --set output=g$s > /dev/null 2>&1 || fail "call $s"
done
"$bin" call $q --set reference=a.fa --set 'reads=[a.bam, b.bam, c.bam]' --set output=together > /dev/null 2>&1 || fail "call together"
printf 'ga.g.vcf.gz\ngb.g.vcf.gz\ngc.g.vcf.gz\n' > gvcfs.txt
"$bin" joint $q --set joint.gvcfs=gvcfs.txt --set joint.plink=true --set output=j1 > /dev/null 2>&1 || fail "joint (1 rank) exited $?"
mpirun -np 2 --oversubscribe "$bin" joint $q --set 'joint.gvcfs=[ga.g.vcf.gz, gb.g.vcf.gz, gc.g.vcf.gz]' \
  --set joint.shard_size=30000 --set output=j2 --set threads=1 > /dev/null 2>&1 || fail "joint (2 ranks) exited $?"
cmp -s <(zcat j1.vcf.gz | grep -v '^##') <(zcat j2.vcf.gz | grep -v '^##') && ok "cohort VCF identical at 1 and 2 ranks (other region size)" \
  || fail "cohort VCF differs between 1 and 2 ranks"
bcftools view j1.vcf.gz > /dev/null && [ "$(bcftools query -l j1.vcf.gz | tr '\n' ' ')" = "A B C " ] && ok "bcftools reads it; samples A B C" \
  || fail "bcftools view j1.vcf.gz"
$py - j1.vcf.gz together.vcf.gz <<'PY' || fail "joint vs calling together"
import gzip, sys
def load(p):
    d = {}
    for l in gzip.open(p, "rt"):
        if l.startswith("#"):
            continue
        f = l.rstrip("\n").split("\t")
        al = [f[3]] + f[4].split(",")
        d[(f[0], int(f[1]), f[3])] = [tuple(sorted("." if y == "." else al[int(y)] for y in x.split(":")[0].replace("|", "/").split("/"))) for x in f[9:]]
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
agree = total = 0
diffs = []
for k in sorted(set(a) | set(b)):
    for j in range(3):
        x = a[k][j] if k in a else (k[2], k[2])
        y = b[k][j] if k in b else (k[2], k[2])
        total += 1
        agree += x == y
        if x != y:
            diffs.append(f"{k[0]}:{k[1]} sample {'ABC'[j]}: joint {'/'.join(x)}, together {'/'.join(y)}")
print(f"  (site, sample) genotypes agreeing with the call of the three BAMs together: {agree}/{total} ({100 * agree / total:.2f}%)")
for d in diffs:
    print("    " + d)
sys.exit(0 if agree >= 0.995 * total else 1)
PY
awk '{print $1"\t"$2"\t"$3}' a.bed > all.bed
for s in A B C; do
  l=$(echo $s | tr ABC abc)
  bcftools view -s $s -c1 -Oz -o j_$s.vcf.gz j1.vcf.gz 2> /dev/null && tabix -f j_$s.vcf.gz
  tp() { "$bin" eval --truth $l.truth.vcf.gz --bed all.bed --ref a.fa --calls "$1" 2> /dev/null | awk '$2 == "ALL" { s += $4 } END { print s + 0 }'; }
  joint_tp=$(tp j_$s.vcf.gz) single_tp=$(tp g$l.vcf.gz)
  [ "$joint_tp" -ge $((single_tp - 1)) ] && ok "sample $s: $joint_tp true variants jointly, $single_tp alone" \
    || fail "sample $s: $joint_tp true variants jointly, $single_tp alone"
done
$py -c "
import h5py
f = h5py.File('j1.h5', 'r')
g = f['/genotypes']
assert g.shape[1] == 3 and g.shape[0] > 500, g.shape
assert [s.decode() for s in f['/samples'][:]] == ['A', 'B', 'C']
assert set(g[:].ravel()) <= {-1, 0, 1, 2}
" && ok "PREFIX.h5 genotype matrix" || fail "PREFIX.h5"
[ "$(wc -l < j1.bim)" = "$(bcftools view -H j1.vcf.gz | wc -l)" ] && ok "PLINK set: one .bim line per site" || fail "PLINK .bim"
"$bin" pca $q --set pca.input=j1.h5 --set pca.components=2 --set output=p > /dev/null 2>&1 && [ -s p.eigenvec ] \
  && ok "dvhpc pca reads the joint genotype matrix" || fail "pca on j1.h5"
# A simulated trio (simulate.kind: cohort): the same cohort at 1 and 2 ranks,
# and no Mendelian error in the joint calls.
co="--set simulate.kind=cohort --set simulate.samples=3 --set simulate.populations=1 --set simulate.trio=true"
co="$co --set simulate.genome_length=300000 --set simulate.coverage=25 --set simulate.spectrum=neutral"
"$bin" simulate $q $co --set output=t1 > /dev/null 2>&1 || fail "cohort simulate (1 rank)"
mpirun -np 2 --oversubscribe "$bin" simulate $q $co --set output=t2 --set reference=t1.fa --set threads=1 > /dev/null 2>&1 \
  || fail "cohort simulate (2 ranks)"
same=1
for s in S1 S2 S3; do
  cmp -s <(samtools view t1.$s.bam | md5sum) <(samtools view t2.$s.bam | md5sum) || same=0
done
cmp -s <(zcat t1.truth.vcf.gz | grep -v '^##') <(zcat t2.truth.vcf.gz | grep -v '^##') || same=0
[ $same = 1 ] && ok "cohort reads and truth identical at 1 and 2 ranks" || fail "cohort differs between 1 and 2 ranks"
grep -q "^S3	S3	pop1	S1	S2" t1.samples.tsv && ok "sample table names the trio" || fail "sample table: $(cat t1.samples.tsv)"
for s in S1 S2 S3; do
  "$bin" call $q --set reference=t1.fa --set reads=t1.$s.bam --set gvcf=true --set output=t$s > /dev/null 2>&1 || fail "call $s"
done
"$bin" joint $q --set 'joint.gvcfs=[tS1.g.vcf.gz, tS2.g.vcf.gz, tS3.g.vcf.gz]' --set output=trio > /dev/null 2>&1 || fail "joint trio"
for f in t1.truth.vcf.gz trio.vcf.gz; do
  $py - $f <<'PY' || fail "Mendelian errors in $f"
import gzip, sys
n = err = 0
for l in gzip.open(sys.argv[1], "rt"):
    if l.startswith("#"):
        continue
    d, m, c = (x.split(":")[0].replace("|", "/") for x in l.rstrip("\n").split("\t")[9:12])
    if "." in d + m + c:
        continue
    n += 1
    if not any(sorted([a, b]) == sorted(c.split("/")) for a in d.split("/") for b in m.split("/")):
        err += 1
print(f"  {sys.argv[1]}: {err} Mendelian errors in {n} fully called sites")
sys.exit(0 if n > 100 and err <= 0.001 * n else 1)
PY
done
gzip -dc ga.g.vcf.gz > plain.g.vcf
"$bin" joint $q --set 'joint.gvcfs=[plain.g.vcf]' --set output=e 2> e.log; rc=$?
[ $rc = 3 ] && grep -q "tabix" e.log && ok "an unindexed gVCF: exit 3 naming tabix" || fail "unindexed gVCF: rc $rc: $(cat e.log)"
cli_finish joint
