#!/usr/bin/env bash
# `dvhpc gp` end to end on a simulated set (400 samples x 3,000 variants from
# `dvhpc simulate`, two synthetic traits of known heritability, one with NA):
#  - the same results at 1 and 2 ranks, from PLINK and HDF5 input;
#  - out-of-fold predictions equal scikit-learn Ridge at dvhpc's lambda on the
#    same folds (an independent solver), REML and LOO;
#  - accuracy not below sklearn RidgeCV's - 0.01 on the same folds;
#  - outputs, gp.predict_from (swapped alleles flipped), drawn folds, errors
#    (every rank exits with the message).
# usage: gp_cli.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
bin=$1
src=$2
py=/usr/bin/python3
check="$py $src/tests/cli/gp_check.py"
$py -c "import numpy, sklearn, h5py" 2>/dev/null || { echo "SKIP: /usr/bin/python3 with numpy, sklearn and h5py not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
. "$src/tests/cli/lib.bash"
cli_setup
np2() { mpirun -np 2 --oversubscribe "$bin" "$@" --set threads=1; }

printf 'progress: false\nlog_level: warn\nsimulate:\n  kind: genotypes\n  samples: 400\n  variants: 3000\n  populations: 2\n  fst: 0.02\n  missing_rate: 0.01\n  genotype_formats: [plink, h5]\n' > sim.yaml
"$bin" simulate sim.yaml --set output=s || fail "simulate exited $?"
$check pheno s 0.8 3 s.pheno || fail "making phenotypes"
$check folds s.fam 5 1 s.folds || fail "making folds"
printf 'progress: false\nlog_level: warn\ngp:\n  genotypes: s\n  phenotypes: s.pheno\n' > drawn.yaml
# Centred markers: the model sklearn Ridge fits, for the exact comparisons below.
{ cat drawn.yaml; printf '  folds_file: s.folds\n  standardize: false\n'; } > gp.yaml

# ---- 1 vs 2 ranks, PLINK vs HDF5
"$bin" gp gp.yaml --set output=r1 --set log_level=info 2> r1.log || { fail "gp (1 rank) exited $?"; cat r1.log; }
np2 gp gp.yaml --set output=r2 || fail "gp (2 ranks) exited $?"
np2 gp gp.yaml --set gp.genotypes=s.h5 --set output=r3 --set gp.plot=false || fail "gp (HDF5, 2 ranks) exited $?"
grep -q "t1 (400 samples, 5-fold mean): gblup r = " r1.log && ok "per-trait results logged" || fail "no per-trait log line"
for r in r2 r3; do
  $py - r1 $r <<'EOF' && ok "$r equals r1 (1 rank, PLINK)" || fail "$r differs from r1"
import sys, numpy as np
a, b = sys.argv[1], sys.argv[2]
def rows(p): return [l.split('\t') for l in open(p).read().splitlines()[1:]]
for suffix, first in (('.gp.tsv', 3), ('.gp.predictions.tsv', 4)):
    x, y = rows(a + suffix), rows(b + suffix)
    assert len(x) == len(y) and all(r[:first] == s[:first] for r, s in zip(x, y)), suffix
    u = np.array([[float(v.replace('NA', 'nan')) for v in r[first:]] for r in x])
    v = np.array([[float(v.replace('NA', 'nan')) for v in r[first:]] for r in y])
    # lambda is the optimum of a criterion that is flat there, so it (and the
    # predictions) are determined to ~sqrt(machine epsilon), not to the last bit.
    assert np.allclose(u, v, rtol=1e-5, atol=1e-6 * np.nanstd(u), equal_nan=True), (suffix, np.nanmax(np.abs(u - v)))
EOF
done
[ "$(grep -c $'\tmean\t' r1.gp.tsv)" = 4 ] && [ "$(wc -l < r1.gp.tsv)" = 25 ] && ok "PREFIX.gp.tsv: 5 folds + mean for 2 traits x 2 models" || fail "gp.tsv rows: $(wc -l < r1.gp.tsv)"
n2=$(awk '$3 == "t2"' r1.gp.predictions.tsv | wc -l); na2=$(awk '$4 == "NA"' s.pheno | wc -l)
[ "$n2" = $((400 - na2)) ] && ok "samples without a t2 value are left out of t2's folds ($na2)" || fail "t2 has $n2 predictions, $na2 NA"

# ---- the solver equals an independent one; accuracy vs RidgeCV on the same folds
$check same s s.pheno s.folds r1 && ok "REML: out-of-fold predictions = sklearn Ridge at the same lambda" || fail "REML predictions differ from sklearn Ridge"
"$bin" gp gp.yaml --set gp.shrinkage=loo --set output=loo --set gp.plot=false || fail "gp loo exited $?"
$check same s s.pheno s.folds loo && ok "LOO: out-of-fold predictions = sklearn Ridge at the same lambda" || fail "LOO predictions differ from sklearn Ridge"
$check ridgecv s s.pheno s.folds r1 0.01 && ok "REML accuracy >= RidgeCV - 0.01 on every trait" || fail "REML accuracy below RidgeCV"
$check ridgecv s s.pheno s.folds loo 0.01 && ok "LOO accuracy >= RidgeCV - 0.01 on every trait" || fail "LOO accuracy below RidgeCV"
# Expected r for h2 0.8, n 320, ~3,000 independent markers: sqrt(h2 n h2 / (n h2 + M)) = 0.29.
awk '$1 == "t1" && $3 == "mean" && $2 == "gblup" {exit !($5 > 0.2)}' r1.gp.tsv && ok "t1 (h2 0.8) is predicted (r > 0.2)" || fail "t1 accuracy: $(grep -P 't1\tgblup\tmean' r1.gp.tsv)"
awk '$3 != "mean" && $2 == "gblup" {g[$1 $3] = $5} $3 != "mean" && $2 == "ensemble" {if (g[$1 $3] != $5) bad = 1} END {exit bad}' r1.gp.tsv && ok "ensemble of gblup alone = gblup" || fail "ensemble differs from gblup"

# ---- outputs and the saved fit
head -c 8 r1.gp.png | od -An -tx1 | grep -q "89 50 4e 47" && ok "PREFIX.gp.png is a PNG" || fail "no PNG"
$py -c "
import sys; sys.path.insert(0, '$src/tests/cli')
import numpy as np, h5py, gp_check
from sklearn.linear_model import Ridge
ids, x, traits, y, fold, k = gp_check.load('s', 's.pheno', 's.folds')
f = h5py.File('r1.gp.h5', 'r')
assert [t.decode() for t in f['/traits']] == ['t1', 't2'] and [m.decode() for m in f['/models/names']] == ['gblup']
e, b0, lam = f['/models/gblup/effects'][:], f['/models/gblup/intercept'][:], f['/models/gblup/shrinkage'][:]
vid = [v.decode() for v in f['/variants/id']]
assert e.shape == (len(vid), 2) and f['/samples/iid'].shape == (400,)
col = {l.split()[1]: i for i, l in enumerate(open('s.bim'))}
sel = [col[v] for v in vid]
for t in range(2):
    ok = ~np.isnan(y[:, t])
    m = Ridge(alpha=lam[t]).fit(x[ok], y[ok, t])
    assert np.allclose(m.coef_[sel], e[:, t], rtol=1e-3, atol=1e-4 * np.abs(e[:, t]).max()), np.abs(m.coef_[sel] - e[:, t]).max()
    p = b0[t] + (x - x.mean(0))[:, sel] @ e[:, t] + (x.mean(0)[sel] - 2 * f['/variants/a1_freq'][:]) @ e[:, t]
    assert np.allclose(p, m.predict(x), atol=1e-3 * np.std(y[ok, t])), np.abs(p - m.predict(x)).max()
" && ok "PREFIX.gp.h5 layout; its effects = sklearn Ridge on all samples at the saved lambda" || fail "PREFIX.gp.h5 effects differ from sklearn Ridge"
$py "$src/tests/cli/pca_check.py" swap s s_swapped
printf 'progress: false\nlog_level: warn\ngp:\n  genotypes: s_swapped\n  predict_from: r1.gp.h5\n' > pred.yaml
np2 gp pred.yaml --set output=new --set log_level=info 2> new.log || { fail "predict_from exited $?"; cat new.log; }
grep -q "3000 of 3000 fitted variants matched by ID and alleles (3000 flipped)" new.log && ok "predict_from flipped every swapped variant" || { fail "predict_from matching"; cat new.log; }
$py -c "
import sys; sys.path.insert(0, '$src/tests/cli')
import numpy as np, h5py, gp_check
from sklearn.linear_model import Ridge
ids, x, traits, y, fold, k = gp_check.load('s', 's.pheno', 's.folds')
lam = h5py.File('r1.gp.h5', 'r')['/models/gblup/shrinkage'][:]
rows = [l.split() for l in open('new.gp.predicted.tsv').read().splitlines()]
assert rows[0] == ['FID', 'IID', 'trait', 'gblup', 'ensemble'], rows[0]
for t, trait in enumerate(traits):
    mine = np.array([float(r[3]) for r in rows[1:] if r[2] == trait])
    ok = ~np.isnan(y[:, t])
    ref = Ridge(alpha=lam[t]).fit(x[ok], y[ok, t]).predict(x)
    assert np.abs(mine - ref).max() < 1e-3 * np.std(y[ok, t]), np.abs(mine - ref).max()
" && ok "predicted new samples = sklearn Ridge on all samples" || fail "predict_from values"

# ---- every model saved and used by predict_from (mlp, gcn: nn_saved.hpp)
np2 gp gp.yaml --set gp.models=[gblup,mlp,gcn,ensemble] --set gp.nn.epochs=30 --set gp.nn.gcn_epochs=60 \
  --set gp.plot=false --set output=nn || fail "gp with the networks exited $?"
$py -c "
import numpy as np, h5py, sys; sys.path.insert(0, '$src/tests/cli')
import gp_check
f = h5py.File('nn.gp.h5', 'r')
names = [m.decode() for m in f['/models/names']]
assert names == ['gblup', 'mlp', 'gcn'] and [m.decode() for m in f['/models/ensemble/members']] == names, names
# t2 has NA: two trait groups, a network each
assert f['/models/layout'][0] == 2 and f['/models/mlp/nets'][0] == 2 and f['/models/gcn/nets'][0] == 2
assert list(f['/models/mlp/net2/traits'][:]) == [1] and list(f['/models/mlp/net2/hidden'][:]) == [64]
L, S = f['/nn/loadings'][:], f['/nn/scores'][:]
vid = [v.decode() for v in f['/nn/variants/id']]
assert L.shape == (len(vid), S.shape[1]) and S.shape[0] == 400, (L.shape, S.shape)
# An independent projection: centred a1 counts (missing 0) times the loadings = the training scores.
fam, bim, raw, g = gp_check.read_bed('s')
row = {l.split()[1]: i for i, l in enumerate(open('s.bim'))}
x = g[[row[v] for v in vid]].T - 2 * f['/nn/variants/a1_freq'][:]
b = [l.split() for l in open('s.bim')]
assert all(b[row[v]][4] == a.decode() for v, a in zip(vid, f['/nn/variants/a1']))
x = np.nan_to_num(x)
err = np.abs(x @ L - S).max()
assert err < 1e-4, err
" && ok "PREFIX.gp.h5 holds mlp and gcn; loadings x centred genotypes = the saved scores (numpy)" || fail "PREFIX.gp.h5 networks layout or loadings"
np2 gp pred.yaml --set gp.predict_from=nn.gp.h5 --set output=nn_new --set log_level=info 2> nn_new.log || { fail "predict_from (networks) exited $?"; cat nn_new.log; }
grep -q "mlp/gcn inputs: 3000 of 3000 variants matched by ID and alleles (3000 flipped)" nn_new.log && grep -q "ensemble: the mean of gblup, mlp, gcn" nn_new.log && ok "predict_from: the networks' variants matched (swapped alleles flipped), ensemble of the three" || { fail "predict_from (networks) log"; cat nn_new.log; }
$py - <<'PYEOF' && ok "predict_from writes gblup, mlp, gcn, ensemble; gblup as before; the networks track gblup" || fail "predict_from (networks) values"
import numpy as np
rows = [l.split('\t') for l in open('nn_new.gp.predicted.tsv').read().splitlines()]
assert rows[0] == ['FID', 'IID', 'trait', 'gblup', 'mlp', 'gcn', 'ensemble'], rows[0]
v = np.array([[float(c) for c in r[3:]] for r in rows[1:]])
old = np.array([float(r.split('\t')[3]) for r in open('new.gp.predicted.tsv').read().splitlines()[1:]])
assert np.all(np.isfinite(v)) and np.allclose(v[:, 3], v[:, :3].mean(1), atol=1e-6 * np.abs(v).max())
assert np.allclose(v[:, 0], old, rtol=1e-5, atol=1e-6 * np.std(old)), np.abs(v[:, 0] - old).max()
for m in (1, 2):
    r = np.corrcoef(v[:, 0], v[:, m])[0, 1]
    assert r > 0.3, (m, r)
PYEOF
# An older file (no networks, no layout) and a file whose network groups are gone.
$py -c "
import h5py, shutil
shutil.copy('r1.gp.h5', 'old.gp.h5'); del h5py.File('old.gp.h5', 'r+')['/models/layout']
shutil.copy('nn.gp.h5', 'broken.gp.h5'); del h5py.File('broken.gp.h5', 'r+')['/nn']
"
"$bin" gp pred.yaml --set gp.predict_from=old.gp.h5 --set output=old --set log_level=info 2> old.log || fail "predict_from (old file) exited $?"
grep -q "has no saved mlp/gcn fit (written before the networks were saved): predicting with gblup" old.log && [ "$(head -1 old.gp.predicted.tsv)" = "$(printf 'FID\tIID\ttrait\tgblup\tensemble')" ] && ok "an older gp.h5 predicts with gblup, saying so" || { fail "old gp.h5"; cat old.log; }
"$bin" gp pred.yaml --set gp.predict_from=broken.gp.h5 --set output=broken --set log_level=info 2> broken.log || fail "predict_from (no /nn) exited $?"
grep -q "the saved mlp fit cannot be used, left out" broken.log && [ "$(head -1 broken.gp.predicted.tsv)" = "$(printf 'FID\tIID\ttrait\tgblup\tensemble')" ] && ok "a gp.h5 without /nn predicts with gblup, warning" || { fail "gp.h5 without /nn"; cat broken.log; }

# ---- drawn folds, standardised markers (the default)
"$bin" gp drawn.yaml --set gp.folds=4 --set gp.seed=9 --set gp.traits=[t1] --set output=d1 --set gp.plot=false || fail "drawn folds exited $?"
np2 gp drawn.yaml --set gp.folds=4 --set gp.seed=9 --set gp.traits=[t1] --set output=d2 --set gp.plot=false || fail "drawn folds (2 ranks) exited $?"
[ "$(cut -f4 d1.gp.predictions.tsv | tail -n +2 | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')" = "100 100 100 100 " ] && ok "4 drawn folds of 100" || fail "drawn folds: $(cut -f4 d1.gp.predictions.tsv | sort | uniq -c | tr '\n' ' ')"
cmp -s <(cut -f1-4 d1.gp.predictions.tsv) <(cut -f1-4 d2.gp.predictions.tsv) && ok "drawn folds identical at 1 and 2 ranks" || fail "drawn folds differ between rank counts"

printf 'progress: false\nlog_level: warn\ngp:\n  genotypes: s.h5\n  predict_from: d2.gp.h5\n' > pred_std.yaml
"$bin" gp pred_std.yaml --set output=new_std || fail "predict_from (standardised fit) exited $?"
$py -c "
import sys; sys.path.insert(0, '$src/tests/cli')
import numpy as np, h5py, gp_check
from sklearn.linear_model import Ridge
fam, bim, raw, g = gp_check.read_bed('s')
p = np.nanmean(g, axis=1) / 2
xs = np.nan_to_num((g - 2 * p[:, None]) / np.sqrt(2 * p * (1 - p))[:, None]).T
ids, x, traits, y, fold, k = gp_check.load('s', 's.pheno', 's.folds')
lam = h5py.File('d2.gp.h5', 'r')['/models/gblup/shrinkage'][0]
ok = ~np.isnan(y[:, 0])
ref = Ridge(alpha=lam).fit(xs[ok], y[ok, 0]).predict(xs)
rows = [l.split() for l in open('new_std.gp.predicted.tsv').read().splitlines()[1:]]
mine = np.array([float(r[3]) for r in rows if r[2] == 't1'])
assert np.abs(mine - ref).max() < 1e-3 * np.std(y[ok, 0]), np.abs(mine - ref).max()
" && ok "standardised fit saved and applied (HDF5 input) = sklearn Ridge on standardised markers" || fail "standardised predict_from values"

# ---- errors: every rank exits with the message
printf 'FID\tIID\tt1\nS001\tS001\t1\nnobody\tX\t2\n' > bad.pheno
np2 gp gp.yaml --set gp.phenotypes=bad.pheno --set output=e1 2> e1.log; rc=$?
[ $rc = 3 ] && grep -q "bad.pheno:3: sample 'nobody X' (FID IID) is not in the genotypes" e1.log && ok "unmatched ID: exit 3 on 2 ranks with the line" || fail "unmatched ID: rc $rc: $(cat e1.log)"
"$bin" gp gp.yaml --set gp.traits=[height] --set output=e2 2> e2.log; rc=$?
[ $rc = 3 ] && grep -q "trait 'height' is not a column" e2.log && ok "unknown trait: exit 3" || fail "unknown trait: rc $rc: $(cat e2.log)"
"$bin" gp gp.yaml --set gp.models=[gblup,cnn] --set output=e3 2> e3.log; rc=$?
[ $rc = 2 ] && grep -q "unknown model 'cnn'" e3.log && ok "unknown model: exit 2" || fail "unknown model: rc $rc: $(cat e3.log)"
[ ! -e e1.gp.tsv ] && [ ! -e e2.gp.tsv ] && [ ! -e e3.gp.tsv ] || fail "a failed run wrote an output"
cli_finish gp
