#!/usr/bin/python3
"""The Dask peer of perf/pca.sh: randomized PCA of a PLINK .bed with
dask.array.linalg.svd_compressed (Halko, Martinsson & Tropp), the genotypes
kept 2-bit packed and decoded + standardised per chunk inside the graph, as a
Dask user at scale would do.

  pca_dask.py PREFIX K POWER_ITERS OUT    -> OUT.eigenvec / OUT.eigenval (plink2 scale)
"""
import sys
import time

import dask
import dask.array as da
import numpy as np

prefix, k, q, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
t0 = time.time()
fam = [l.split()[:2] for l in open(prefix + ".fam")]
n = len(fam)
rb = (n + 3) // 4
raw = np.memmap(prefix + ".bed", dtype=np.uint8, mode="r", offset=3)
m = raw.shape[0] // rb
packed = da.from_array(raw.reshape(m, rb), chunks=(8192, rb))
table = np.array([2.0, np.nan, 1.0, 0.0], dtype=np.float32)


def decode(block):
    codes = np.stack([(block >> (2 * s)) & 3 for s in range(4)], axis=2).reshape(block.shape[0], -1)[:, :n]
    return table[codes]


g = packed.map_blocks(decode, dtype=np.float32, chunks=(packed.chunks[0], (n,)))
p = (da.nanmean(g, axis=1) / 2).compute()
keep = (p > 0) & (p < 1)
scale = np.where(keep, 1.0 / np.sqrt(np.maximum(2 * p * (1 - p), 1e-12)), 0.0).astype(np.float32)


def standardise(block, block_info=None):
    lo, hi = block_info[0]["array-location"][0]
    x = (decode(block) - (2 * p[lo:hi, None]).astype(np.float32)) * scale[lo:hi, None]
    return np.nan_to_num(x, nan=0.0)


x = packed.map_blocks(standardise, dtype=np.float32, chunks=(packed.chunks[0], (n,)))
u, s, v = da.linalg.svd_compressed(x, k=k, n_power_iter=q, seed=1)
s, v = dask.compute(s, v)
eigenvalues = s**2 / keep.sum()
with open(out + ".eigenvec", "w") as f:
    f.write("#FID\tIID\t" + "\t".join(f"PC{j+1}" for j in range(k)) + "\n")
    for (fid, iid), row in zip(fam, v.T):
        f.write(f"{fid}\t{iid}\t" + "\t".join(f"{x:.8g}" for x in row) + "\n")
np.savetxt(out + ".eigenval", eigenvalues, fmt="%.8g")
print(f"dask: {time.time() - t0:.1f} s, {dask.__version__}", file=sys.stderr)
