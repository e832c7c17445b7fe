#!/usr/bin/env bash
# `dvhpc pca` end to end:
#  - a simulated matrix (4 populations) from `dvhpc simulate`: the same at 1
#    and 2 ranks, the same from PLINK, HDF5 and VCF input, equal to an exact
#    numpy/LAPACK solution, populations separated;
#  - real HapMap 3 (957 x 14,079, ../shared; skipped when absent): all 10 PCs
#    against the exact LAPACK solution and plink2's exact --pca 10 at |r| >= 0.999,
#    eigenvalues within 0.5%;
#  - projection (swapped alleles, a saved fit), outputs and errors.
# usage: pca_cli.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
bin=$1
src=$2
py=/usr/bin/python3
check="$py $src/tests/cli/pca_check.py"
$py -c "import numpy" 2>/dev/null || { echo "SKIP: /usr/bin/python3 with numpy not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
. "$src/tests/cli/lib.bash"
cli_setup
np2() { mpirun -np 2 --oversubscribe "$bin" "$@" --set threads=1; }

# ---- simulated matrix, three formats
printf 'progress: false\nlog_level: warn\nsimulate:\n  kind: genotypes\n  samples: 400\n  variants: 3000\n  populations: 4\n  fst: 0.02\n  missing_rate: 0.01\n  genotype_formats: [plink, h5]\n' > sim.yaml
"$bin" simulate sim.yaml --set output=s1 || fail "simulate np1 exited $?"
np2 simulate sim.yaml --set output=s2 || fail "simulate np2 exited $?"
cmp -s s1.bed s2.bed && cmp -s s1.bim s2.bim && ok "simulated PLINK set identical at 1 and 2 ranks" || fail "simulated .bed/.bim differ between 1 and 2 ranks"
for f in s1.bed s1.bim s1.fam s1.h5 s1.pop.tsv; do [ -s "$f" ] || fail "$f missing"; done
[ "$(grep -c pop4 s1.pop.tsv)" = 100 ] && ok "100 samples in each of 4 populations" || fail "population table: $(cut -f3 s1.pop.tsv | sort | uniq -c | tr '\n' ' ')"
$check fst s1 s1.pop.tsv 0.02 0.2 || fail "simulated F differs from simulate.fst"
# VCF of the same genotypes, written independently of dvhpc.
$py -c "
import sys; sys.path.insert(0, '$src/tests/cli')
import numpy as np, pca_check
fam, bim, raw, g = pca_check.read_bed('s1')
with open('s1.vcf', 'w') as f:
    f.write('##fileformat=VCFv4.2\n##contig=<ID=1,length=1000000000>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n')
    f.write('#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t' + '\t'.join(s[1] for s in fam) + '\n')
    gt = {0.0: '0/0', 1.0: '0/1', 2.0: '1/1'}
    for b, row in zip(bim, g):
        f.write('\t'.join([b[0], b[3], b[1], b[5], b[4], '.', '.', '.', 'GT']) + '\t' + '\t'.join(gt.get(x, './.') for x in row) + '\n')
" || fail "writing s1.vcf"
pca="progress: false\nlog_level: warn\npca:\n  components: 6\n"
printf "$pca" > pca.yaml
"$bin" pca pca.yaml --set pca.input=s1 --set output=p_plink --set pca.labels=s1.pop.tsv || fail "pca (PLINK) exited $?"
np2 pca pca.yaml --set pca.input=s1.h5 --set output=p_h5 || fail "pca (HDF5, 2 ranks) exited $?"
np2 pca pca.yaml --set pca.input=s1.vcf --set output=p_vcf || fail "pca (VCF, 2 ranks) exited $?"
$check exact s1 6 exact_s1
echo "simulated, PLINK input vs exact LAPACK (top 3 = the population axes):"
$check compare exact_s1.eigenvec p_plink.eigenvec 3 0.99999 1e-4 || fail "PLINK input vs exact"
for f in p_h5 p_vcf; do
  echo "simulated, $f (2 ranks) vs PLINK input (1 rank):"
  $check compare p_plink.eigenvec $f.eigenvec 6 0.99999 1e-5 || fail "$f differs from the PLINK-input result"
done
$check separate p_plink.eigenvec s1.pop.tsv 3 20 || fail "populations do not separate on PC1..3"
$py -c "
import h5py, numpy as np
f = h5py.File('p_plink.pca.h5', 'r')
assert f['/scores'].shape == (400, 6) and f['/eigenvalues'].shape == (6,)
assert f['/loadings'].shape[1] == 6 and f['/loadings'].shape[0] == f['/variants/id'].shape[0] == f['/variants/a1_freq'].shape[0]
assert 0 < f['/variants/a1_freq'][:].min() and f['/variants/a1_freq'][:].max() < 1
assert f['/samples/iid'][0].decode() == 'S001'
" && ok "PREFIX.pca.h5 layout" || fail "PREFIX.pca.h5 layout"
head -c 8 p_plink.pca.png | od -An -tx1 | grep -q "89 50 4e 47" && ok "PREFIX.pca.png is a PNG" || fail "no PNG"

# ---- projection: swapped alleles are flipped; a saved fit projects the same
$check swap s1 s1_swapped
"$bin" pca pca.yaml --set pca.input=s1 --set pca.project=s1_swapped --set output=proj --set log_level=info 2> proj.log || fail "pca with projection exited $?"
grep -q "3000 of 3000 fitted variants matched by ID and alleles (3000 flipped)" proj.log && ok "projection matched and flipped every variant" || { fail "projection counts"; cat proj.log; }
echo "projected samples vs their own fit:"
cp proj.eigenval proj.projected.eigenval
$check compare proj.eigenvec proj.projected.eigenvec 3 0.9999 1e-9 || fail "projected scores differ from the fit"
np2 pca pca.yaml --set pca.model=proj.pca.h5 --set pca.project=s1 --set output=proj2 || fail "pca.model projection exited $?"
cp proj.eigenval proj2.projected.eigenval
$check compare proj.projected.eigenvec proj2.projected.eigenvec 6 0.99999 1e-9 || fail "saved-fit projection differs"

# ---- errors
"$bin" pca pca.yaml --set pca.input=nothing_here --set output=e1 2> e1.log; rc=$?
[ $rc = 3 ] && grep -q "expected a PLINK 1 prefix" e1.log && ok "missing input: exit 3 with the accepted formats" || fail "missing input: rc $rc: $(cat e1.log)"
"$bin" pca pca.yaml --set pca.input=s1 --set pca.components=500 --set output=e2 2> e2.log; rc=$?
[ $rc = 2 ] && grep -q "at most 400 components" e2.log && ok "too many components: exit 2" || fail "too many components: rc $rc: $(cat e2.log)"
[ ! -e e1.eigenvec ] && [ ! -e e2.eigenvec ] || fail "an output was written by a failed run"

# ---- real HapMap 3
hm=$src/../shared/data/hapmap3_pca
if [ -f "$hm/HM3_thinned_autosomal_overlap.bed" ]; then
  in=$hm/HM3_thinned_autosomal_overlap
  "$bin" pca --set pca.input=$in --set pca.labels=$hm/HM3_populations.tsv --set output=hm --set progress=false || fail "HapMap pca exited $?"
  np2 pca --set pca.input=$in --set output=hm2 --set progress=false --set log_level=warn || fail "HapMap pca (2 ranks) exited $?"
  $check exact $in 10 hm_exact
  echo "HapMap 3, dvhpc (randomized, defaults) vs exact numpy/LAPACK:"
  $check compare hm_exact.eigenvec hm.eigenvec 10 0.999 5e-3 || fail "HapMap vs exact LAPACK"
  echo "HapMap 3, 2 ranks vs 1 rank:"
  $check compare hm.eigenvec hm2.eigenvec 10 0.99999 1e-5 || fail "HapMap 2 ranks vs 1"
  if command -v plink2 >/dev/null; then
    plink2 --bfile $in --pca 10 --threads 2 --out plink2 >/dev/null 2>&1 || fail "plink2 --pca failed"
    echo "HapMap 3, dvhpc vs plink2 --pca 10 (exact):"
    $check compare plink2.eigenvec hm.eigenvec 10 0.999 5e-3 || fail "HapMap vs plink2"
  else
    echo "note: plink2 not installed; HapMap compared with LAPACK only"
  fi
  $check separate hm.eigenvec $hm/HM3_populations.tsv 2 3 || fail "HapMap populations do not separate on PC1..2"
else
  echo "note: ../shared/data/hapmap3_pca absent; real-data checks skipped"
fi
cli_finish pca
