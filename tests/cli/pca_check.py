#!/usr/bin/python3
"""Independent checks for `dvhpc pca` (used by tests/cli/pca_cli.sh).

  pca_check.py exact PREFIX K OUT       exact PCA of a PLINK set with numpy/LAPACK (eigh),
                                        plink2's variance standardisation -> OUT.eigenvec/.eigenval
  pca_check.py compare A.eigenvec B.eigenvec K MIN_R MAX_EIG_REL
                                        |r| of each of the top K PCs >= MIN_R and eigenvalues
                                        within MAX_EIG_REL (relative); samples matched by IID
  pca_check.py separate EIGENVEC LABELS K MIN_RATIO
                                        populations separate: on PC1..K, between-population
                                        variance / within >= MIN_RATIO
  pca_check.py fst PREFIX LABELS F TOL  the Balding-Nichols F of a simulated set, estimated from
                                        the genotypes (variance of population frequencies,
                                        corrected for sampling), is F within relative TOL
  pca_check.py swap PREFIX OUT          OUT.bed/.bim/.fam: the same genotypes with A1/A2 swapped
"""
import sys
import numpy as np


def read_bed(prefix):
    fam = [l.split()[:2] for l in open(prefix + ".fam")]
    bim = [l.split() for l in open(prefix + ".bim")]
    n, rb = len(fam), (len(fam) + 3) // 4
    raw = np.fromfile(prefix + ".bed", dtype=np.uint8)
    assert raw[:3].tolist() == [0x6C, 0x1B, 0x01], "not a variant-major .bed"
    raw = raw[3:].reshape(len(bim), rb)
    codes = np.stack([(raw >> (2 * k)) & 3 for k in range(4)], axis=2).reshape(len(bim), -1)[:, :n]
    copies = np.array([2.0, np.nan, 1.0, 0.0])[codes]  # PLINK: 00 hom A1, 01 missing, 10 het, 11 hom A2
    return fam, bim, raw, copies


def exact(prefix, k, out):
    fam, _, _, g = read_bed(prefix)
    p = np.nanmean(g, axis=1) / 2
    keep = (p > 0) & (p < 1) & (np.nanstd(g, axis=1) > 0)
    g, p = g[keep], p[keep]
    x = (g - 2 * p[:, None]) / np.sqrt(2 * p * (1 - p))[:, None]
    x = np.nan_to_num(x, nan=0.0)
    grm = x.T @ x / x.shape[0]
    w, v = np.linalg.eigh(grm)
    w, v = w[::-1][:k], v[:, ::-1][:, :k]
    with open(out + ".eigenvec", "w") as f:
        f.write("#FID\tIID\t" + "\t".join(f"PC{j+1}" for j in range(k)) + "\n")
        for (fid, iid), row in zip(fam, v):
            f.write(f"{fid}\t{iid}\t" + "\t".join(f"{x:.8g}" for x in row) + "\n")
    np.savetxt(out + ".eigenval", w, fmt="%.8g")


def load_vec(path):
    rows = [l.split() for l in open(path) if not l.startswith("#")]
    # Keyed by IID: an HDF5 or VCF input has no family IDs (FID = IID).
    return {r[1]: np.array([float(x) for x in r[2:]]) for r in rows}


def compare(a, b, k, min_r, max_rel):
    va, vb = load_vec(a), load_vec(b)
    keys = sorted(va)
    assert sorted(vb) == keys, "different samples"
    A = np.array([va[s][:k] for s in keys])
    B = np.array([vb[s][:k] for s in keys])
    r = [abs(np.corrcoef(A[:, j], B[:, j])[0, 1]) for j in range(k)]
    ea = np.loadtxt(a.replace(".eigenvec", ".eigenval"))[:k]
    eb = np.loadtxt(b.replace(".eigenvec", ".eigenval"))[:k]
    rel = np.abs(eb / ea - 1)
    print("  |r| per PC:", " ".join(f"{x:.5f}" for x in r))
    print("  eigenvalue rel. diff:", " ".join(f"{x:.1e}" for x in rel))
    ok = min(r) >= min_r and rel.max() <= max_rel
    if not ok:
        print(f"FAIL: want |r| >= {min_r} and eigenvalues within {max_rel}")
    return ok


def separate(vec, labels, k, min_ratio):
    v = load_vec(vec)
    lab = {}
    for l in open(labels):
        f = l.split()
        if f and not f[0].startswith("#"):
            lab[f[1]] = f[2]
    keys = sorted(v)
    X = np.array([v[s][:k] for s in keys])
    y = np.array([lab[s] for s in keys])
    mean = X.mean(axis=0)
    between = sum((y == g).sum() * ((X[y == g].mean(axis=0) - mean) ** 2).sum() for g in set(y))
    within = sum(((X[y == g] - X[y == g].mean(axis=0)) ** 2).sum() for g in set(y))
    ratio = between / within
    print(f"  between/within variance on PC1..{k}: {ratio:.1f}")
    return ratio >= min_ratio


def fst(prefix, labels, f_true, tol):
    fam, _, _, g = read_bed(prefix)
    lab = {}
    for l in open(labels):
        f = l.split()
        if f and not f[0].startswith("#"):
            lab[f[1]] = f[2]
    pops = sorted(set(lab.values()))
    y = np.array([lab[s[1]] for s in fam])
    p = np.stack([np.nanmean(g[:, y == k], axis=1) / 2 for k in pops], axis=1)  # variants x K
    n = np.stack([np.sum(~np.isnan(g[:, y == k]), axis=1) for k in pops], axis=1)
    pbar = p.mean(axis=1)
    s2 = p.var(axis=1, ddof=1)
    c = (p * (1 - p) / (2 * n - 1)).mean(axis=1)
    est = (s2 - c).sum() / (pbar * (1 - pbar)).sum()
    print(f"  F estimated from the genotypes: {est:.4f} (simulated {f_true})")
    return abs(est / f_true - 1) <= tol


def swap(prefix, out):
    fam, bim, raw, _ = read_bed(prefix)
    n = len(fam)
    # 00 <-> 11 in every 2-bit field: XOR with 11 where the code is 00 or 11 (not 01/10).
    lo, hi = raw & 0x55, (raw >> 1) & 0x55
    same = ~(lo ^ hi) & 0x55
    swapped = raw ^ (same | (same << 1))
    if n % 4:  # keep padding zero
        swapped[:, -1] &= (1 << (2 * (n % 4))) - 1
    with open(out + ".bed", "wb") as f:
        f.write(bytes([0x6C, 0x1B, 0x01]))
        f.write(swapped.astype(np.uint8).tobytes())
    with open(out + ".bim", "w") as f:
        for b in bim:
            f.write("\t".join(b[:4] + [b[5], b[4]]) + "\n")
    with open(out + ".fam", "w") as f:
        for l in open(prefix + ".fam"):
            f.write(l)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "exact":
        exact(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "compare":
        sys.exit(0 if compare(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])) else 1)
    elif cmd == "separate":
        sys.exit(0 if separate(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])) else 1)
    elif cmd == "fst":
        sys.exit(0 if fst(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])) else 1)
    elif cmd == "swap":
        swap(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
