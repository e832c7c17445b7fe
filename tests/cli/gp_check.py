#!/usr/bin/python3
"""Independent checks of `dvhpc gp` with numpy and scikit-learn (tests/cli/gp_cli.sh, perf/gp.sh).

  gp_check.py pheno PREFIX H2 SEED OUT        synthetic traits on a PLINK set: t1 (h2 = H2, 300 causal
                                              variants) and t2 (h2 = H2/2, 10% NA), FID IID t1 t2
  gp_check.py folds PREFIX.fam K SEED OUT     FID IID fold of sklearn KFold(K, shuffle=True, random_state=SEED)
  gp_check.py same PREFIX PHENO FOLDS GP      dvhpc's out-of-fold predictions equal sklearn Ridge(alpha =
                                              dvhpc's lambda of the fold) on the same folds (centred markers)
  gp_check.py ridgecv PREFIX PHENO FOLDS GP MARGIN [TIMES]
                                              RidgeCV(alphas=logspace(-1,6,30)) on the same folds; fails
                                              unless dvhpc's best mean r >= RidgeCV's - MARGIN for every
                                              trait; TIMES: append "trait r_ridgecv seconds" lines there
"""
import sys
import time

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from pca_check import read_bed  # noqa: E402


def markers(prefix):
    """Samples x variants, mean-imputed copies of A1 (the README baseline's matrix)."""
    fam, _, _, g = read_bed(prefix)
    mean = np.nanmean(g, axis=1, keepdims=True)
    g = np.where(np.isnan(g), mean, g)
    return [tuple(s) for s in fam], g.T.copy()


def read_table(path):
    rows = [l.split() for l in open(path) if l.strip()]
    return rows[0], rows[1:]


def pheno(prefix, h2, seed, out):
    ids, x = markers(prefix)
    rng = np.random.default_rng(int(seed))
    h2 = float(h2)
    cols = []
    for k, h in enumerate([h2, h2 / 2]):
        causal = rng.choice(x.shape[1], size=min(300, x.shape[1]), replace=False)
        g = (x[:, causal] - x[:, causal].mean(0)) @ rng.normal(size=len(causal))
        g = g / g.std() * np.sqrt(h)
        y = 10 + g + rng.normal(size=len(g)) * np.sqrt(1 - h)
        if k == 1:
            y[rng.random(len(y)) < 0.1] = np.nan
        cols.append(y)
    with open(out, "w") as f:
        f.write("FID\tIID\tt1\tt2\n")
        for (fid, iid), a, b in zip(ids, *cols):
            f.write(f"{fid}\t{iid}\t{a:.6f}\t" + ("NA" if np.isnan(b) else f"{b:.6f}") + "\n")


def folds(fam, k, seed, out):
    from sklearn.model_selection import KFold
    ids = [l.split()[:2] for l in open(fam)]
    fold = np.zeros(len(ids), dtype=int)
    for f, (_, test) in enumerate(KFold(int(k), shuffle=True, random_state=int(seed)).split(ids)):
        fold[test] = f
    with open(out, "w") as o:
        o.write("FID\tIID\tfold\n")
        for (fid, iid), f in zip(ids, fold):
            o.write(f"{fid}\t{iid}\t{f}\n")


def load(prefix, pheno_path, folds_path):
    ids, x = markers(prefix)
    at = {s: i for i, s in enumerate(ids)}
    head, rows = read_table(pheno_path)
    traits = head[2:]
    y = np.full((len(ids), len(traits)), np.nan)
    for r in rows:
        y[at[(r[0], r[1])]] = [np.nan if v == "NA" else float(v) for v in r[2:]]
    _, frows = read_table(folds_path)
    fold = np.full(len(ids), -1)
    labels = sorted({int(r[2]) for r in frows})
    for r in frows:
        fold[at[(r[0], r[1])]] = labels.index(int(r[2]))
    return ids, x, traits, y, fold, len(labels)


def dvhpc_results(gp):
    head, rows = read_table(gp + ".gp.tsv")
    table = {(r[0], r[1], r[2]): dict(zip(head, r)) for r in rows}
    phead, prows = read_table(gp + ".gp.predictions.tsv")
    preds = {}
    for r in prows:
        preds[(r[0], r[1], r[2])] = dict(zip(phead, r))
    return table, preds


def same(prefix, pheno_path, folds_path, gp):
    from sklearn.linear_model import Ridge
    ids, x, traits, y, fold, k = load(prefix, pheno_path, folds_path)
    table, preds = dvhpc_results(gp)
    worst = 0.0
    for t, trait in enumerate(traits):
        ok = ~np.isnan(y[:, t])
        for f in range(k):
            lam = float(table[(trait, "gblup", str(f + 1))]["shrinkage"])
            tr, te = ok & (fold != f), ok & (fold == f)
            p = Ridge(alpha=lam).fit(x[tr], y[tr, t]).predict(x[te])
            mine = np.array([float(preds[(ids[i][0], ids[i][1], trait)]["gblup"]) for i in np.where(te)[0]])
            worst = max(worst, np.abs(mine - p).max() / np.std(y[ok, t]))
    print(f"dvhpc gblup vs sklearn Ridge at dvhpc's lambda, same folds: max |difference| = {worst:.2e} sd(y)")
    return worst < 1e-3


def ridgecv(prefix, pheno_path, folds_path, gp, margin, times=None):
    from sklearn.linear_model import RidgeCV
    ids, x, traits, y, fold, k = load(prefix, pheno_path, folds_path)
    table, _ = dvhpc_results(gp)
    good = True
    for t, trait in enumerate(traits):
        ok = ~np.isnan(y[:, t])
        rs = []
        start = time.perf_counter()
        for f in range(k):
            tr, te = ok & (fold != f), ok & (fold == f)
            p = RidgeCV(alphas=np.logspace(-1, 6, 30)).fit(x[tr], y[tr, t]).predict(x[te])
            rs.append(np.corrcoef(p, y[te, t])[0, 1])
        seconds = time.perf_counter() - start
        ref = float(np.mean(rs))
        mine = {m: float(v["r"]) for (tr_, m, fo), v in table.items() if tr_ == trait and fo == "mean"}
        best = max(mine, key=mine.get)
        passed = mine[best] >= ref - float(margin)
        good &= passed
        print(f"{trait}: sklearn RidgeCV r = {ref:.3f} ({seconds:.1f} s); dvhpc " +
              ", ".join(f"{m} {v:.3f}" for m, v in mine.items()) + ("" if passed else "  <-- below RidgeCV - margin"))
        if times:
            with open(times, "a") as o:
                o.write(f"{trait}\t{ref:.4f}\t{seconds:.3f}\n")
    return good


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "pheno":
        pheno(*args)
    elif cmd == "folds":
        folds(*args)
    elif cmd == "same":
        sys.exit(0 if same(*args) else 1)
    elif cmd == "ridgecv":
        sys.exit(0 if ridgecv(*args) else 1)
    else:
        sys.exit(f"unknown command {cmd}")
