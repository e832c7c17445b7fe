#!/usr/bin/env bash
# `dvhpc pca` against Dask and plink2 on the same matrix, in one run (issue 15).
#
#   perf/pca.sh [BUILD_DIR]            # 200,000 variants x 10,000 samples
#   BIG=1 perf/pca.sh [BUILD_DIR]      # also 1,000,000 x 20,000 (5 GB .bed), dvhpc only
#   BIG=1 ONLY=big perf/pca.sh         # only that
#
# Makes (once, in $PCA_DATA, default /work/data/bn) a Balding-Nichols matrix
# with `dvhpc simulate` (5 populations, F = 0.01, uniform ancestral
# frequencies, PLINK), its exact PCA (`pca.method: exact`, LAPACK), then
# measures wall time and peak RSS (GNU time) of
#   - dvhpc pca, 1 rank x 2 threads: defaults (7 power iterations = 8 passes, 15 directions)
#     and power_iterations 2 (3 passes; Dask's n_power_iter=2 makes 6), 3 runs each (median);
#   - dvhpc pca 1 rank x 1 thread and 2 ranks x 1 thread (strong scaling);
#   - Dask svd_compressed(k=10, n_power_iter=2), 2-bit chunks decoded in the graph (perf/pca_dask.py);
#   - plink2 --pca 10 approx --threads 2;
# scores every result against the exact one (eigenvalues, |r| of PC1-4) and
# appends a dated block to perf/RESULTS_pca.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
data=${PCA_DATA:-/work/data/bn}
out=$here/perf/RESULTS_pca.md
py=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive
mkdir -p "$data"
bin=$data/dvhpc.bench
cp "$build/dvhpc" "$bin"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cores=$(getconf _NPROCESSORS_ONLN)

simulate() {  # PREFIX VARIANTS SAMPLES
  [ -s "$1.bed" ] && return
  mpirun -np 2 --oversubscribe "$bin" simulate --set simulate.kind=genotypes --set simulate.variants="$2" \
    --set simulate.samples="$3" --set simulate.populations=5 --set simulate.fst=0.01 \
    --set output="$1" --set threads=1 --set progress=false 2> "$1.simulate.log"
}
# timed LABEL CMD... -> "wall_s rss_MB" (of the slowest rank under mpirun: rank 0's RSS)
timed() {
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$tmp/$label.rss" "$@" > "$tmp/$label.log" 2>&1 || { echo "$label failed:" >&2; tail "$tmp/$label.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$($py -c "print(f'{$t1 - $t0:.2f}')") $(( $(cat "$tmp/$label.rss") / 1024 ))"
}
median3() {  # LABEL CMD... -> median "wall rss" of 3 runs
  local a b c
  a=$(timed "$@"); b=$(timed "$@"); c=$(timed "$@")
  printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p
}
dv="$bin pca --set pca.input=$data/bn200k --set progress=false --set pca.plot=false"

if [ "${ONLY:-}" != big ]; then
simulate "$data/bn200k" 200000 10000
if [ ! -s "$data/exact.eigenval" ]; then
  echo "exact PCA (once) ..."
  timed exact "$bin" pca --set pca.input="$data/bn200k" --set output="$data/exact" --set pca.method=exact \
    --set progress=false --set pca.plot=false > "$data/exact.time"
fi
echo "dvhpc ..."
dv_default=$(median3 dv_default $dv --set output="$tmp/dv_default")
dv_q2=$(median3 dv_q2 $dv --set output="$tmp/dv_q2" --set pca.power_iterations=2)
dv_1t=$(OMP_NUM_THREADS=1 timed dv_1t $dv --set output="$tmp/dv_1t" --set threads=1)
dv_2r=$(timed dv_2r mpirun -np 2 --oversubscribe "$bin" pca --set pca.input="$data/bn200k" --set output="$tmp/dv_2r" \
  --set progress=false --set pca.plot=false --set threads=1)
echo "dask ..."
dask_r=$(timed dask $py "$here/perf/pca_dask.py" "$data/bn200k" 10 2 "$tmp/dask")
echo "plink2 ..."
plink_r=$(timed plink2 plink2 --bfile "$data/bn200k" --pca 10 approx --threads 2 --out "$tmp/plink2")

# numpy's BLAS (Debian's alternatives: reference BLAS or OpenBLAS), which Dask's products use.
blas_alt=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
$py - "$data/exact" "$tmp" "$dv_default" "$dv_q2" "$dv_1t" "$dv_2r" "$dask_r" "$plink_r" "$(cat "$data/exact.time")" \
  "$(date -u +%Y-%m-%d)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $cores cores" \
  "$(plink2 --version | head -1)" "$($py -c 'import dask; print(dask.__version__)')" "$blas_alt" \
  "$(git -C "$here" rev-parse --short HEAD)" >> "$out" <<'PY'
import sys
import numpy as np
exact, tmp = sys.argv[1], sys.argv[2]
runs = dict(zip(["dv_default", "dv_q2", "dv_1t", "dv_2r", "dask", "plink2"], sys.argv[3:9]))
exact_time, date, cpu, plink, dask_v, blas, commit = sys.argv[9:16]
def vec(p):
    rows = [l.split() for l in open(p) if not l.startswith("#")]
    return {r[1]: np.array([float(x) for x in r[2:]]) for r in rows}
ev = np.loadtxt(exact + ".eigenval")
E = vec(exact + ".eigenvec"); keys = sorted(E)
A = np.array([E[k] for k in keys])
def score(prefix):
    e = np.loadtxt(prefix + ".eigenval")[:10]
    V = vec(prefix + ".eigenvec"); B = np.array([V[k] for k in keys])
    r = [abs(np.corrcoef(A[:, j], B[:, j])[0, 1]) for j in range(4)]
    rel = e / ev[:10] - 1
    return e, rel, r
names = {"dv_default": "dvhpc pca (defaults: 7 power iterations, 8 passes)", "dv_q2": "dvhpc pca, power_iterations 2 (3 passes)",
         "dask": "Dask svd_compressed(k=10, n_power_iter=2)", "plink2": "plink2 --pca 10 approx --threads 2"}
files = {"dv_default": f"{tmp}/dv_default", "dv_q2": f"{tmp}/dv_q2", "dask": f"{tmp}/dask", "plink2": f"{tmp}/plink2"}
dv_wall = float(runs["dv_default"].split()[0])
print(f"\n## {date}: 200,000 variants x 10,000 samples, 5 populations (F = 0.01), k = 10\n")
print(f"Machine: {cpu}. dvhpc {commit}; {plink}; Dask {dask_v}, numpy BLAS: `{blas}`. "
      f"Command: `perf/pca.sh`. Exact reference: `pca.method: exact` (LAPACK dsyevr on the 10,000 x 10,000 "
      f"relationship matrix), {exact_time.split()[0]} s.\n")
print("| run | wall (s) | peak RSS (MB) | vs dvhpc | top-10 eigenvalues | max rel. error PC1-4 / PC5-10 | \\|r\\| PC1-4 vs exact |")
print("|---|---|---|---|---|---|---|")
print(f"| exact (LAPACK) | {exact_time.split()[0]} | {exact_time.split()[1]} | | " + " ".join(f"{x:.4g}" for x in ev[:10]) + " | 0 / 0 | 1 |")
for key in ["dv_default", "dv_q2", "dask", "plink2"]:
    wall, rss = runs[key].split()
    e, rel, r = score(files[key])
    print(f"| {names[key]} | {wall} | {rss} | {float(wall) / dv_wall:.1f}x | " + " ".join(f"{x:.4g}" for x in e) +
          f" | {np.abs(rel[:4]).max():.1e} / {np.abs(rel[4:]).max():.1e} | " + " ".join(f"{x:.5f}" for x in r) + " |")
w1, w2 = float(runs["dv_1t"].split()[0]), float(runs["dv_2r"].split()[0])
print(f"\nStrong scaling (defaults): 1 rank x 1 thread {w1:.2f} s, 2 ranks x 1 thread {w2:.2f} s: "
      f"speed-up {w1 / w2:.2f}, efficiency {w1 / (2 * w2) * 100:.0f}%. Wall times are of the whole command "
      f"(read, standardise, PCA, outputs); dvhpc rows are the median of 3 runs.")
PY
tail -n 16 "$out"
fi

# ---- 1,000,000 variants x 20,000 samples (BIG=1): dvhpc only (the peers take hours here)
if [ "${BIG:-0}" = 1 ]; then
  echo "1M x 20k ..."
  simulate "$data/bn1m" 1000000 20000
  big=$(timed big "$bin" pca --set pca.input="$data/bn1m" --set output="$tmp/big" --set progress=false --set pca.plot=false)
  stages=$(grep -E "^(read|standardise|pca|write) " "$tmp/big.log" | awk '{printf "%s %.1f s, ", $1, $3}')
  cat >> "$out" <<MD

1,000,000 variants x 20,000 samples (5 GB .bed, same model), \`dvhpc pca\` defaults, 1 rank x $cores threads:
**$(echo "$big" | cut -d' ' -f1) s**, peak RSS **$(echo "$big" | cut -d' ' -f2) MB** (${stages%, }); top eigenvalues $(head -5 "$tmp/big.eigenval" | tr '\n' ' ').
MD
  tail -n 3 "$out"
fi
