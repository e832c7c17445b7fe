#!/usr/bin/env bash
# Strong and weak scaling of `dvhpc call`, plus an end-to-end comparison with
# bcftools, on data made by `dvhpc simulate`.
#
#   perf/scaling.sh [strong] [weak] [bcftools] [shards] [rates] [project]   (default: all)
#
# Per run it records the wall time (launcher included) and the per-rank stage
# seconds from PREFIX.h5 /timings (plus `write`, which /timings cannot hold,
# from the runtime report on stderr), and writes
#   perf/scaling_strong.csv, perf/scaling_weak.csv  (one row per layout)
#   perf/scaling_strong.png, perf/scaling_weak.png  (perf/plot_scaling.py)
#   perf/scaling_shards.csv                         (1 rank at several shard sizes)
#   $DATA/summary.md                                (markdown tables, cmp, bcftools,
#                                                    per-shard overhead, BAM I/O rates,
#                                                    whole-genome projection: `project`,
#                                                    assumptions as env vars in its code)
# CSV columns: ranks, threads, genome_mb, wall_s, <stage>_s (max over ranks),
# speedup, efficiency, imbalance, then nodes, cores, reads, candidates,
# cnn_sites, variants, report_wall_s, vcf_cmp.
#   strong: speedup = T1/TN, efficiency = T1/(c*TN), c = cores/cores of the first layout
#   weak:   speedup = c*T1/TN (scaled), efficiency = T1/TN
#   imbalance = max/mean over ranks of the rank's summed stage seconds
# Strong runs must produce a VCF byte-identical to the first layout's (`cmp`);
# the script exits 1 when one does not.
#
# Environment (defaults in brackets):
#   BUILD [build]              dvhpc build directory
#   DATA [/work/data/scaling]  simulated data and run outputs (never the repo)
#   STRONG_MB [8]              strong-scaling genome, Mb (random genome)
#   WEAK_MB_PER_CORE [2]       weak scaling: genome Mb per core (= per rank at 1 thread)
#   COVERAGE [30]  SEED [1]    simulation depth and seed
#   STRONG_BAM, STRONG_REF     use these instead of simulating (e.g. a real WGS BAM);
#                              STRONG_REGIONS optionally limits the work (regions: key)
#   RANKS ["1 2 4"] THREADS [1]  shorthand for LAYOUTS="1xRx$THREADS ..."
#   LAYOUTS                    NODESxRANKS_PER_NODExTHREADS list, e.g. "1x1x1 1x2x1 2x2x8"
#   SHARD_SIZE [500000]        partition.shard_size (every rank gets several shards)
#   REPS [3]                   best of REPS per layout (stage times from that run)
#   LAUNCHER ["mpirun --oversubscribe -np"]  MPI launcher. Without placeholders the
#                              rank count is appended; otherwise {n} (ranks), {t}
#                              (threads), {nodes}, {rpn} are substituted, e.g.
#                              LAUNCHER="srun -N {nodes} --ntasks-per-node={rpn} -n {n} -c {t} --cpu-bind=cores"
#   EXTRA_SET                  more --set overrides for every call, space-separated
#   SHARD_SIZES ["100000 500000 2000000"]  shard sizes of the `shards` study
#   project: WGS_GB [3.1] WGS_READS [600e6] CAND_PER_KB [3] CNN_FRAC [0.12]
#            BAM_BYTES_PER_READ [117] NODE_READ_GBPS [2] FS_READ_GBPS [50]
#            CORES_PER_NODE [64] CORES_PER_GPU [14] REGIONS_BED [unset: whole
#            reference, so every rank scans it for N runs]
#            GPU_RNN_PER_S [500000] GPU_CNN_PER_S [50000] (targets, not measured)
#   OUTDIR [perf]              where the CSVs and PNGs go
#   PY [/usr/bin/python3]      Python with h5py (and matplotlib for the plots)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${BUILD:-$here/build}/dvhpc
data=${DATA:-/work/data/scaling}
outdir=${OUTDIR:-$here/perf}
py=${PY:-/usr/bin/python3}
cov=${COVERAGE:-30}
seed=${SEED:-1}
strong_mb=${STRONG_MB:-8}
weak_mb=${WEAK_MB_PER_CORE:-2}
shard=${SHARD_SIZE:-500000}
reps=${REPS:-3}
threads=${THREADS:-1}
if [ -z "${LAYOUTS:-}" ]; then
  LAYOUTS=""
  for r in ${RANKS:-1 2 4}; do LAYOUTS+="1x${r}x${threads} "; done
fi
launcher=${LAUNCHER:-mpirun --oversubscribe -np}
studies=${*:-strong weak bcftools shards rates project}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive
mkdir -p "$data/runs" "$outdir"
summary=$data/summary.md
rm -f "$data/runs/FAILED_CMP"

log() { echo "[scaling $(date +%T)] $*" >&2; }
now() { date +%s.%N; }

simulate() {  # MB -> prints PREFIX (random genome of MB Mb at $cov x), made once
  local mb=$1 p="$data/sim_${1}mb_${cov}x_s${seed}"
  if [ ! -s "$p.bam.bai" ] || [ ! -s "$p.fa" ]; then
    log "simulating ${mb} Mb at ${cov}x -> $p"
    local len
    len=$("$py" -c "print(int(round($mb * 1e6)))")
    local s e
    s=$(now)
    "$bin" simulate --set simulate.genome_length="$len" --set simulate.coverage="$cov" \
      --set simulate.seed="$seed" --set progress=false -o "$p" > "$p.simulate.log" 2>&1
    e=$(now)
    log "simulated in $("$py" -c "print(f'{$e - $s:.1f}')") s"
    [ -s "$p.fa.fai" ] || samtools faidx "$p.fa"
  fi
  echo "$p"
}

launch() {  # NODES RPN THREADS CMD... through $launcher
  local nodes=$1 rpn=$2 t=$3; shift 3
  local n=$((nodes * rpn)) l=$launcher
  if [[ $l == *"{"* ]]; then
    l=${l//\{nodes\}/$nodes}; l=${l//\{rpn\}/$rpn}; l=${l//\{n\}/$n}; l=${l//\{t\}/$t}
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=$t $l "$@"
  else
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=$t $l "$n" "$@"
  fi
}

extract() {  # H5 STDERR_LOG WALL -> one JSON object on stdout
  "$py" - "$@" <<'PY'
import json, re, sys
import h5py
h5, logf, wall = sys.argv[1], sys.argv[2], float(sys.argv[3])
with h5py.File(h5, "r") as f:
    d = f["/timings"]
    names = d.attrs["stages"]
    names = (names.decode() if isinstance(names, bytes) else str(names)).split(",")
    t = d[()].reshape(-1, len(names))
per_rank = {n: [float(x) for x in t[:, i]] for i, n in enumerate(names)}
text = open(logf, errors="replace").read()
report, rwall = {}, None
m = re.search(r"runtime report.*?\n(.*?)total wall\s+([0-9.]+)", text, re.S)
if m:
    rwall = float(m.group(2))
    for line in m.group(1).splitlines()[1:]:
        p = line.split()
        if len(p) == 5:
            report[p[0]] = float(p[3])  # max over ranks
counts = {}
m = re.search(r"(\d+) reads, (\d+) candidate sites \((\d+) re-examined by the CNN\), (\d+) variant records", text)
if m:
    counts = dict(zip(["reads", "candidates", "cnn_sites", "variants"], map(int, m.groups())))
print(json.dumps({"wall": wall, "per_rank": per_rank, "report": report, "report_wall": rwall, **counts}))
PY
}

run_call() {  # NAME NODES RPN THREADS REF BAM MB -> appends a JSON row to $data/runs/NAME.jsonl
  local name=$1 nodes=$2 rpn=$3 t=$4 ref=$5 bam=$6 mb=$7
  local n=$((nodes * rpn)) tag="${name}_${nodes}x${rpn}x${t}"
  local cfg="$data/runs/$tag.yaml" out="$data/runs/$tag" best="" bestwall=1e9
  {
    echo "reference: $ref"
    echo "reads: $bam"
    echo "output: $out"
    echo "threads: $t"
    echo "progress: false"
    echo "partition: {shard_size: $shard}"
    if [ -n "${STRONG_REGIONS:-}" ] && [ "$name" = strong ]; then echo "regions: $STRONG_REGIONS"; fi
  } > "$cfg"
  local extra=()
  for kv in ${EXTRA_SET:-}; do extra+=(--set "$kv"); done
  for rep in $(seq "$reps"); do
    rm -rf "$out.vcf.gz" "$out.vcf.gz.tbi" "$out.h5" "$out.candidates.vcf.gz"* "$out.shards"
    local s e rc=0
    s=$(now)
    launch "$nodes" "$rpn" "$t" "$bin" call "$cfg" --set threads="$t" "${extra[@]}" > "$out.stdout" 2> "$out.stderr" || rc=$?
    e=$(now)
    if [ "$rc" != 0 ]; then
      log "FAILED ($rc): $tag, see $out.stderr"; tail -5 "$out.stderr" >&2; exit 1
    fi
    local wall row
    wall=$("$py" -c "print(f'{$e - $s:.3f}')")
    row=$(extract "$out.h5" "$out.stderr" "$wall")
    log "$tag rep $rep: ${wall} s"
    if "$py" -c "import sys; sys.exit(0 if $wall < $bestwall else 1)"; then
      best=$row; bestwall=$wall
      cp "$out.stderr" "$out.best.stderr"
    fi
  done
  "$py" -c "import json,sys; r=json.loads(sys.argv[1]); r.update(nodes=$nodes, ranks=$n, threads=$t, genome_mb=$mb, vcf='$out.vcf.gz'); print(json.dumps(r))" "$best" \
    >> "$data/runs/$name.jsonl"
}

to_csv() {  # NAME strong|weak -> perf/scaling_NAME.csv (+ markdown table to stdout)
  "$py" - "$data/runs/$1.jsonl" "$2" "$outdir/scaling_$1.csv" <<'PY'
import csv, filecmp, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
kind, out = sys.argv[2], sys.argv[3]
order = ["setup", "partition", "load", "assemble", "count", "candidates", "features", "rnn", "images", "cnn",
         "postprocess", "write"]
seen = []
for r in rows:
    for s in list(r["per_rank"]) + list(r["report"]):
        if s not in seen:
            seen.append(s)
stages = [s for s in order if s in seen] + [s for s in seen if s not in order]
base = rows[0]
c0 = base["ranks"] * base["threads"]
table = []
for r in rows:
    cores = r["ranks"] * r["threads"]
    c = cores / c0
    per = r["per_rank"]
    stage_max = {s: (max(per[s]) if s in per and max(per[s]) > 0 else r["report"].get(s, 0.0)) for s in stages}
    totals = [sum(per[s][i] for s in per) for i in range(r["ranks"])]
    imb = max(totals) / (sum(totals) / len(totals)) if sum(totals) > 0 else 1.0
    if kind == "strong":
        speedup = base["wall"] / r["wall"]
        eff = base["wall"] / (c * r["wall"])
        same = filecmp.cmp(base["vcf"], r["vcf"], shallow=False)
        vcf = "identical" if same else "DIFFERENT"
    else:
        speedup = c * base["wall"] / r["wall"]
        eff = base["wall"] / r["wall"]
        vcf = ""
    row = {"ranks": r["ranks"], "threads": r["threads"], "genome_mb": r["genome_mb"], "wall_s": f"{r['wall']:.3f}"}
    row.update({f"{s}_s": f"{stage_max[s]:.3f}" for s in stages})
    row.update(speedup=f"{speedup:.3f}", efficiency=f"{eff:.3f}", imbalance=f"{imb:.3f}", nodes=r["nodes"],
               cores=cores, reads=r.get("reads", ""), candidates=r.get("candidates", ""),
               cnn_sites=r.get("cnn_sites", ""), variants=r.get("variants", ""),
               report_wall_s=r.get("report_wall") or "", vcf_cmp=vcf)
    table.append(row)
with open(out, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(table[0]))
    w.writeheader()
    w.writerows(table)
cols = ["ranks", "threads", "genome_mb", "wall_s"] + [f"{s}_s" for s in stages] + \
       ["speedup", "efficiency", "imbalance", "reads", "candidates", "cnn_sites"] + (["vcf_cmp"] if kind == "strong" else [])
names = {"wall_s": "wall (s)", "candidates": "cand. sites", "cnn_sites": "CNN sites", "vcf_cmp": "VCF vs first"}
print("| " + " | ".join(names.get(c, c[:-2] if c.endswith("_s") else c) for c in cols) + " |")
print("|" + "|".join("--:" for _ in cols) + "|")
for row in table:
    print("| " + " | ".join(str(row[c]) for c in cols) + " |")
if any(r["vcf_cmp"] == "DIFFERENT" for r in table):
    sys.exit(3)
PY
}

header() {
  echo "## $(date -u +%F) on $(nproc --all) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Command: \`$(basename "$0") $studies\` with LAYOUTS=\"$LAYOUTS\" LAUNCHER=\"$launcher\" SHARD_SIZE=$shard REPS=$reps COVERAGE=$cov; dvhpc $("$bin" version | head -1 | cut -d' ' -f2)."
  echo
}

header > "$summary"

if [[ " $studies " == *" strong "* ]]; then
  if [ -n "${STRONG_BAM:-}" ]; then
    sref=${STRONG_REF:?STRONG_REF must name the reference of STRONG_BAM}; sbam=$STRONG_BAM; smb=${STRONG_MB:-0}
  else
    p=$(simulate "$strong_mb"); sref=$p.fa; sbam=$p.bam; smb=$strong_mb
  fi
  rm -f "$data/runs/strong.jsonl"
  for lay in $LAYOUTS; do
    IFS=x read -r nodes rpn t <<< "$lay"
    run_call strong "$nodes" "$rpn" "$t" "$sref" "$sbam" "$smb"
  done
  {
    echo "### Strong scaling: ${smb} Mb at ${cov}x ($sbam)"
    echo
    to_csv strong strong || { echo; echo "**VCF differs from the first layout's (cmp)**"; touch "$data/runs/FAILED_CMP"; }
    echo
  } | tee -a "$summary"
fi

if [[ " $studies " == *" weak "* ]]; then
  rm -f "$data/runs/weak.jsonl"
  for lay in $LAYOUTS; do
    IFS=x read -r nodes rpn t <<< "$lay"
    mb=$("$py" -c "x = $weak_mb * $nodes * $rpn * $t; print(int(x) if x == int(x) else x)")
    p=$(simulate "$mb")
    run_call weak "$nodes" "$rpn" "$t" "$p.fa" "$p.bam" "$mb"
  done
  {
    echo "### Weak scaling: ${weak_mb} Mb per core at ${cov}x"
    echo
    to_csv weak weak
    echo
  } | tee -a "$summary"
fi

if [[ " $studies " == *" bcftools "* ]]; then
  if [ -n "${STRONG_BAM:-}" ]; then
    sref=$STRONG_REF; sbam=$STRONG_BAM; truth=""
  else
    p=$(simulate "$strong_mb"); sref=$p.fa; sbam=$p.bam; truth=$p.truth.vcf.gz; bed=$p.bed
  fi
  bc=$data/runs/bcftools.vcf.gz best=1e9
  for rep in $(seq "$reps"); do
    s=$(now)
    sh -c "bcftools mpileup -f '$sref' -Ou '$sbam' 2> /dev/null | bcftools call -mv -Oz -o '$bc' 2> /dev/null"
    e=$(now)
    w=$("$py" -c "print(f'{$e - $s:.3f}')")
    log "bcftools rep $rep: $w s"
    best=$("$py" -c "print(min($best, $w))")
  done
  {
    echo "### End to end against bcftools $(bcftools --version | head -1 | cut -d' ' -f2) on the strong-scaling BAM (best of $reps)"
    echo
    echo "\`bcftools mpileup -f REF -Ou BAM | bcftools call -mv -Oz\`: **${best} s** (one mpileup process at ~100% CPU; \`call\` is a second, mostly idle process)."
    echo
    if [ -s "$data/runs/strong.jsonl" ]; then
      "$py" - "$data/runs/strong.jsonl" "$best" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bc = float(sys.argv[2])
print("| run | cores | wall (s) | core-seconds | bcftools wall / dvhpc wall | bcftools core-s / dvhpc core-s |")
print("|---|--:|--:|--:|--:|--:|")
print(f"| bcftools mpileup \\| call -mv | 1 | {bc:.3f} | {bc:.3f} | 1.00 | 1.00 |")
for r in rows:
    if r["threads"] == 1 and r["ranks"] in (1, 2):
        cores = r["ranks"] * r["threads"]
        print(f"| dvhpc call {r['ranks']} rank(s) x 1 thread | {cores} | {r['wall']:.3f} | {cores * r['wall']:.3f} | "
              f"{bc / r['wall']:.2f} | {bc / (cores * r['wall']):.2f} |")
PY
      echo
      if [ -n "$truth" ]; then
        echo "Accuracy on the simulated truth (\`dvhpc eval\`, whole genome):"
        echo
        echo "| caller | type | TP | FP | FN | precision | recall | F1 |"
        echo "|---|---|--:|--:|--:|--:|--:|--:|"
        dv=$("$py" -c "import json; print(json.loads(open('$data/runs/strong.jsonl').readline())['vcf'])")
        for pair in "dvhpc:$dv" "bcftools:$bc"; do
          "$bin" eval --truth "$truth" --bed "$bed" --ref "$sref" --calls "${pair#*:}" --out "$data/runs/eval_${pair%%:*}" 2> /dev/null |
            awk -v n="${pair%%:*}" '$2 == "ALL" && ($1 == "SNP" || $1 == "INDEL") {
              printf "| %s | %s | %s | %s | %s | %.4f | %.4f | %.4f |\n", n, $1, $4, $7, $5, $10, $9, $11 }'
        done
        echo
      fi
    fi
  } | tee -a "$summary"
fi

if [[ " $studies " == *" shards "* ]]; then
  # Per-shard overhead: 1 rank x 1 thread on the strong-scaling data at several
  # shard sizes; summed stage seconds = fixed + per_shard x shards (least squares).
  p=$(simulate "$strong_mb")
  rm -f "$data/runs/shards.jsonl"
  for ss in ${SHARD_SIZES:-100000 500000 2000000}; do
    shard=$ss run_call "shards$ss" 1 1 1 "$p.fa" "$p.bam" "$strong_mb"
    sed "s/}\$/, \"shard_size\": $ss}/" "$data/runs/shards$ss.jsonl" >> "$data/runs/shards.jsonl"
    rm -f "$data/runs/shards$ss.jsonl"
  done
  "$py" - "$data/runs/shards.jsonl" "$outdir/scaling_shards.csv" <<'PY' | tee -a "$summary"
import csv, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
out = []
for r in rows:
    per = r["per_rank"]
    tot = sum(v[0] for v in per.values())
    nsh = -(-int(r["genome_mb"] * 1e6) // r["shard_size"])
    out.append(dict(shard_size=r["shard_size"], shards=nsh, wall_s=f"{r['wall']:.3f}", stages_total_s=f"{tot:.3f}",
                    load_s=f"{per.get('load', [0])[0]:.3f}", reads=r.get("reads", "")))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(out[0])); w.writeheader(); w.writerows(out)
x = [o["shards"] for o in out]; y = [float(o["stages_total_s"]) for o in out]
n = len(x); mx = sum(x) / n; my = sum(y) / n
sxx = sum((a - mx) ** 2 for a in x)
b = sum((a - mx) * (c - my) for a, c in zip(x, y)) / sxx if sxx else 0.0
print(f"### Per-shard overhead (1 rank x 1 thread, {rows[0]['genome_mb']} Mb)\n")
print("| shard size | shards | wall (s) | summed stages (s) | load (s) | reads loaded |")
print("|--:|--:|--:|--:|--:|--:|")
for o in out:
    print(f"| {o['shard_size']} | {o['shards']} | {o['wall_s']} | {o['stages_total_s']} | {o['load_s']} | {o['reads']} |")
print(f"\nLeast-squares fit: summed stage seconds = {my - b * mx:.3f} + {1000 * b:.2f} ms x shards.\n")
PY
fi

if [[ " $studies " == *" rates "* ]]; then
  # Raw I/O rates of the strong-scaling BAM on one core: BGZF inflate only
  # (bgzip -dc) and inflate + BAM decode (samtools view -c), best of REPS.
  p=$(simulate "$strong_mb")
  bytes=$(stat -c %s "$p.bam")
  nreads=$(samtools idxstats "$p.bam" | awk '{s += $3} END {print s}')
  ti=1e9; tv=1e9
  for _ in $(seq "$reps"); do
    s=$(now); bgzip -dc < "$p.bam" > /dev/null; e=$(now); ti=$("$py" -c "print(min($ti, $e - $s))")
    s=$(now); samtools view -c "$p.bam" > /dev/null; e=$(now); tv=$("$py" -c "print(min($tv, $e - $s))")
  done
  raw=$(bgzip -dc < "$p.bam" | wc -c)
  "$py" - "$bytes" "$raw" "$nreads" "$ti" "$tv" <<'PY' | tee -a "$summary"
import sys
b, raw, n, ti, tv = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print("### BAM I/O rates on one core\n")
print(f"BAM {b / 1e6:.1f} MB compressed, {raw / 1e6:.1f} MB raw, {n} reads: {b / n:.1f} compressed bytes per read.\n")
print("| operation | s | MB/s compressed in | reads/s |")
print("|---|--:|--:|--:|")
print(f"| BGZF inflate (`bgzip -dc`) | {ti:.3f} | {b / 1e6 / ti:.1f} | {n / ti:,.0f} |")
print(f"| inflate + BAM decode (`samtools view -c`) | {tv:.3f} | {b / 1e6 / tv:.1f} | {n / tv:,.0f} |")
print()
PY
fi

if [[ " $studies " == *" project "* ]]; then
  # Whole-genome projection from the measured 1 rank x 1 thread strong run
  # (perf/scaling_strong.csv row 1), the per-shard overhead
  # (perf/scaling_shards.csv) and the assumptions below (all overridable).
  "$py" - "$outdir/scaling_strong.csv" "$outdir/scaling_shards.csv" <<'PY' | tee -a "$summary"
import csv, os, sys
E = os.environ.get
row = next(csv.DictReader(open(sys.argv[1])))
G = float(E("WGS_GB", "3.1")) * 1e9               # genome bases
R = float(E("WGS_READS", "600e6"))                 # reads (30x, 150 bp)
cand = float(E("CAND_PER_KB", "3")) * G / 1e3      # candidate sites
cnn = float(E("CNN_FRAC", "0.12")) * cand          # sites re-examined by the CNN
bpr = float(E("BAM_BYTES_PER_READ", "117"))        # compressed BAM bytes per read
node_bw = float(E("NODE_READ_GBPS", "2")) * 1e9    # parallel-FS read bandwidth per node
fs_bw = float(E("FS_READ_GBPS", "50")) * 1e9       # aggregate parallel-FS read bandwidth
cpn = int(E("CORES_PER_NODE", "64"))
rnn_gpu = float(E("GPU_RNN_PER_S", "500000"))      # issue targets, NOT measured
cnn_gpu = float(E("GPU_CNN_PER_S", "50000"))
cpg = int(E("CORES_PER_GPU", "14"))                # CPU cores (1-thread ranks) per GPU (DGX H100: 112 / 8)
whole_ref = E("REGIONS_BED", "") == ""             # partition scans the whole reference for N runs
reads, c, k = float(row["reads"]), float(row["candidates"]), float(row["cnn_sites"])
st = lambda s: float(row.get(f"{s}_s") or 0)
# Measured per-core rates (1 rank x 1 thread).
rate = {"load": reads / st("load"), "count": reads / st("count"), "candidates": reads / st("candidates"),
        "features": c / st("features"), "rnn": c / st("rnn"), "images": k / st("images"), "cnn": k / st("cnn"),
        "postprocess": c / max(st("postprocess"), 1e-9), "write": c / max(st("write"), 1e-9)}
work = {"load": R, "count": R, "candidates": R, "features": cand, "rnn": cand, "images": cnn, "cnn": cnn,
        "postprocess": cand, "write": cand}
unit = {"load": "reads", "count": "reads", "candidates": "reads", "features": "sites", "rnn": "sites",
        "images": "CNN sites", "cnn": "CNN sites", "postprocess": "sites", "write": "sites"}
core_s = {s: work[s] / rate[s] for s in rate}
fixed = float(row["wall_s"]) - sum(st(s) for s in ["setup", "partition", "load", "count", "candidates", "features",
                                                      "rnn", "images", "cnn", "postprocess", "write"])
ovh = 0.0
try:
    sh = list(csv.DictReader(open(sys.argv[2])))
    x = [float(r["shards"]) for r in sh]; y = [float(r["stages_total_s"]) for r in sh]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    ovh = max(0.0, sum((a - mx) * (b - my) for a, b in zip(x, y)) / sum((a - mx) ** 2 for a in x))
except Exception:
    pass
bam = R * bpr
# Not parallel: every rank scans the whole reference for N runs in `partition`
# (linear in genome length as measured: 2, 4, 8 Mb); ~0 with a regions BED.
serial = st("partition") * G / (float(row["genome_mb"]) * 1e6) if whole_ref else 0.0
fmt = lambda t: f"{t:,.0f} s ({t / 60:.1f} min)" if t >= 60 else f"{t:.1f} s"
print("### Whole-genome projection (model)\n")
print(f"30x WGS: {G / 1e9:.1f} Gb, {R / 1e6:.0f} M reads, {cand / 1e6:.1f} M candidate sites ({E('CAND_PER_KB', '3')}/kb), "
      f"{cnn / 1e6:.2f} M CNN sites ({float(E('CNN_FRAC', '0.12')):.0%}), BAM {bam / 1e9:.0f} GB ({bpr:.0f} B/read).\n")
print("| stage | measured rate per core | work | core-seconds | share |")
print("|---|--:|--:|--:|--:|")
tot = sum(core_s.values())
for s in rate:
    print(f"| {s} | {rate[s]:,.0f} {unit[s]}/s | {work[s] / 1e6:,.1f} M | {core_s[s]:,.0f} | {core_s[s] / tot:.1%} |")
print(f"| **total** | | | **{tot:,.0f}** ({tot / 3600:.2f} core-h) | |\n")
print(f"Per-run fixed cost (launch, MPI/Kokkos init, not in stages): {fixed:.2f} s; per-shard overhead (fit, "
      f"clipped at 0): {1000 * ovh:.1f} ms; serial reference scan in partition: {serial:.1f} s on every rank"
      f"{'' if whole_ref else ' (REGIONS_BED set: 0)'}.\n")
print("| platform | cores | shards (size) | parallel compute (s) | read I/O (s) | serial + fixed (s) | projected wall |")
print("|---|--:|--:|--:|--:|--:|--:|")
for nodes in (1, 8, 64):
    cores = nodes * cpn
    size = min(1_000_000, max(50_000, int(G / (8 * cores) // 50_000 * 50_000)))  # >= 8 shards per rank
    nsh = G / size
    comp = (tot + nsh * ovh) / cores
    io = bam / min(nodes * node_bw, fs_bw)
    wall = fixed + serial + max(comp, io)
    print(f"| {nodes} CPU node(s) x {cpn} cores, 1-thread ranks | {cores} | {nsh:,.0f} ({size / 1e3:.0f} kb) | {comp:,.1f} | {io:,.1f} | "
          f"{fixed + serial:.1f} | **{fmt(wall)}** |")
cpu_a = sum(core_s[s] for s in ["load", "count", "candidates", "features", "images", "postprocess", "write"])
cpu_b = core_s["load"] + core_s["postprocess"] + core_s["write"]
gpu = cand / rnn_gpu + cnn / cnn_gpu
for ng in (1, 8):
    nodes = max(1, ng // 8)
    io = bam / min(nodes * node_bw, fs_bw)
    a = max(cpu_a / (ng * cpg), gpu / ng, io)
    b = max(cpu_b / (ng * cpg), gpu / ng, io)
    print(f"| {ng} GPU(s) on {nodes} node, {cpg} 1-thread ranks per GPU; Kokkos on CPU (as built) | {ng * cpg} | | "
          f"CPU {cpu_a / (ng * cpg):,.1f}, GPU {gpu / ng:,.1f} | {io:,.1f} | {fixed + serial:.1f} | **{fmt(fixed + serial + a)}** |")
    print(f"| {ng} GPU(s) on {nodes} node, {cpg} ranks per GPU; Kokkos on CUDA (only load on CPU) | {ng * cpg} | | "
          f"CPU {cpu_b / (ng * cpg):,.1f}, GPU {gpu / ng:,.1f} | {io:,.1f} | {fixed + serial:.1f} | **{fmt(fixed + serial + b)}** |")
print()
PY
fi

if [[ " $studies " == *" strong "* ]] || [[ " $studies " == *" weak "* ]]; then
  "$py" "$here/perf/plot_scaling.py" "$outdir" || log "plotting failed (matplotlib missing? apt-get install -y python3-matplotlib)"
fi
log "summary: $summary"
[ ! -e "$data/runs/FAILED_CMP" ] || { log "VCFs differ between layouts"; exit 1; }
