#!/usr/bin/env bash
# The one prepared check of dvhpc on a lent GPU machine (issue 18, item 4).
#
#   scripts/gpu_check.sh --prepare   # here, no GPU needed: builds and packs gpucheck/
#   scripts/gpu_check.sh             # on the GPU machine, from the repository root
#
# --prepare makes everything the GPU machine needs, which has no MPI, HDF5,
# htslib, oneDNN, samtools or bcftools, into the git-ignored gpucheck/
# (under 56 MiB: the device machine takes 64 MiB in all, ~5 MiB of tracked files
# included; carry it as `carry: ["gpucheck"]`):
#   1. the CUDA build (build-cuda/, scripts/setup.sh --cuda) of dvhpc, the
#      unit tests, the GPU tests and the benchmarks nn_bench and train_bench;
#   2. the CUDA bundle (scripts/bundle.sh --cuda, dist/dvhpc-VERSION-cuda.tar.xz):
#      dvhpc with the libraries a bare machine lacks; the test and benchmark
#      binaries (bin.tar.xz) run with its libraries;
#   3. CPU reference results made here with the OpenMP build (build/): the
#      VCFs of `dvhpc call` on NA12878 chr20:10,000,001-10,100,000 and on a
#      simulated 1 Mb (dvhpc simulate, seed 1: 23 MB of reads are simulated
#      again there, not carried; checksums prove they are the same), and
#      the eigenvalues of `dvhpc pca` on HapMap 3; NA12878 and HapMap 3
#      inputs are copied.
#
# The run mode writes $OUT/gpu_check.md (a table: step, result, seconds,
# detail), $OUT/gpu_check.log (every step's output) and $OUT/gpu_check_files.tar.gz
# (the GPU VCFs and logs). Every step is timed and has a timeout; a failed
# step is recorded and the next one runs; the steps share an 8-minute
# budget (DVHPC_GPU_CHECK_BUDGET seconds) and a step that would not fit is
# recorded as skipped. Steps: nvidia-smi; dvhpc version; the GPU unit tests
# (cuDNN/cuBLAS layers against the PyTorch goldens, CPU against GPU, NCCL at
# one rank); the Kokkos kernel tests on the device (each equal to the host,
# NA12878 included); dvhpc call on NA12878 and on the simulated 1 Mb,
# compared with the CPU VCFs; nn_bench (RNN and CNN inference and training
# step, batch 1,024, fp32 and bf16); train_bench (one rank); dvhpc pca on
# HapMap 3 against the CPU eigenvalues. Exit status: 0 all passed, 1 a step
# failed, 3 no GPU (said in gpu_check.md), 2 usage or gpucheck/ missing.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gc=$root/gpucheck
na_dir=na12878_hg19_chr20_10mb_illumina
na_region='["chr20:10000001-10100000"]'
sim_args=(--set simulate.genome_length=1000000 --set simulate.seed=1 --set sample=SIM)
limit_mib=56
die() { echo "gpu_check.sh: $*" >&2; exit 2; }

# ---------------------------------------------------------------- --prepare
prepare() {
  set -e
  local jobs=${DVHPC_JOBS:-$(nproc)} shared=${DVHPC_SHARED_DATA:-$root/../shared/data}
  [ -d "$shared/$na_dir" ] || die "no $shared/$na_dir (set DVHPC_SHARED_DATA)"
  [ -f "$root/scripts/bundle.sh" ] || die "needs scripts/bundle.sh (the relocatable CUDA bundle)"
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_PROC_BIND=false
  local t0=$SECONDS
  echo "gpu_check: the OpenMP build (reference results)"
  [ -x "$root/build/dvhpc" ] || bash "$root/scripts/setup.sh"
  cmake --build "$root/build" -j "$jobs" --target dvhpc > /dev/null
  echo "gpu_check: the CUDA build"
  [ -f "$root/build-cuda/CMakeCache.txt" ] || bash "$root/scripts/setup.sh" --cuda --no-build
  [ -f "$root/build-cuda/CMakeCache.txt" ] ||
    cmake -S "$root" -B "$root/build-cuda" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DKokkos_ROOT="$root/.deps/kokkos-cuda" -DDVHPC_ENABLE_CUDA=ON > /dev/null
  cmake --build "$root/build-cuda" -j "$jobs" --target dvhpc dvhpc_unit_tests dvhpc_gpu_tests nn_bench train_bench
  echo "gpu_check: the CUDA bundle"
  bash "$root/scripts/bundle.sh" --cuda --build "$root/build-cuda"
  local version bundle
  version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$root/build-cuda/CMakeCache.txt")
  bundle=$root/dist/dvhpc-$version-cuda.tar.xz
  [ -f "$bundle" ] || die "scripts/bundle.sh made no $bundle"

  rm -rf "$gc" && mkdir -p "$gc/data/$na_dir" "$gc/data/hapmap3" "$gc/ref"
  cp "$bundle" "$gc/bundle.tar.xz"
  local stage
  stage=$(mktemp -d)
  mkdir -p "$stage/bin"
  for b in tests/dvhpc_unit_tests tests/dvhpc_gpu_tests perf/nn_bench perf/train_bench; do
    strip --strip-unneeded -o "$stage/bin/$(basename $b)" "$root/build-cuda/$b"
  done
  tar -C "$stage" -cf - bin | xz -9 -T "$jobs" > "$gc/bin.tar.xz"
  rm -rf "$stage"
  local na=$shared/$na_dir
  cp "$na"/NA12878_S1.chr20.10_10p1mb.bam* "$na"/ucsc.hg19.chr20.unittest.fasta.gz* "$gc/data/$na_dir/"
  cp "$shared"/hapmap3_pca/HM3_thinned_autosomal_overlap.{bed,bim,fam} "$gc/data/hapmap3/"

  echo "gpu_check: CPU reference results (build/dvhpc, here)"
  local cpu=$root/build/dvhpc work
  work=$(mktemp -d)
  local q=(--set progress=false --set log_level=warn)
  local s=$SECONDS
  "$cpu" call "${q[@]}" --set reference="$gc/data/$na_dir/ucsc.hg19.chr20.unittest.fasta.gz" \
    --set reads="$gc/data/$na_dir/NA12878_S1.chr20.10_10p1mb.bam" --set regions="$na_region" \
    --set model.device=cpu --set output="$gc/ref/na12878.cpu" 2> "$work/na.log" || { cat "$work/na.log"; die "CPU call on NA12878 failed"; }
  echo "na12878 CPU call: $((SECONDS - s)) s" | tee "$gc/ref/timings.txt"
  (cd "$work" && "$cpu" simulate "${q[@]}" "${sim_args[@]}" --set output=sim > sim.log 2>&1) || { cat "$work/sim.log"; die "simulate failed"; }
  (cd "$work" && sha256sum sim.fa sim.bam sim.truth.vcf.gz) > "$gc/ref/sim.sha256"
  s=$SECONDS
  "$cpu" call "${q[@]}" --set reference="$work/sim.fa" --set reads="$work/sim.bam" --set model.device=cpu \
    --set output="$gc/ref/sim1mb.cpu" 2> "$work/simcall.log" || { cat "$work/simcall.log"; die "CPU call on the simulated 1 Mb failed"; }
  echo "sim1mb CPU call: $((SECONDS - s)) s" | tee -a "$gc/ref/timings.txt"
  "$cpu" pca "${q[@]}" --set pca.input="$gc/data/hapmap3/HM3_thinned_autosomal_overlap" --set pca.plot=false \
    --set output="$work/hm3" 2> "$work/pca.log" || { cat "$work/pca.log"; die "CPU pca failed"; }
  cp "$work/hm3.eigenval" "$gc/ref/hm3.cpu.eigenval"
  rm -rf "$work"
  rm -f "$gc"/ref/*.h5 "$gc"/ref/*.csv 2> /dev/null || true  # only the VCFs are compared
  { echo "made $(date -u +%FT%TZ) from $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo '?')"
    echo "bundle $(basename "$bundle")"; } > "$gc/MANIFEST"
  local mib
  mib=$(du -sm "$gc" | cut -f1)
  ls -la "$gc" "$gc/ref"
  [ "$mib" -lt $limit_mib ] || die "gpucheck/ is $mib MiB, not under $limit_mib MiB"
  echo "gpu_check: gpucheck/ ready, $mib MiB ($((SECONDS - t0)) s); on the GPU machine run scripts/gpu_check.sh"
}

# ---------------------------------------------------------------- run mode
out=""
md=""
log=""
failed=0
budget=${DVHPC_GPU_CHECK_BUDGET:-480}
start=$SECONDS

row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >> "$md"; }

# step NAME TIMEOUT_S CHECK_FN: runs CHECK_FN under a timeout with its output
# in $work/logs/NAME.log; CHECK_FN prints its one-line detail last.
step() {
  local name=$1 limit=$2 fn=$3 left=$((budget - (SECONDS - start)))
  if [ "$left" -lt 15 ]; then
    row "$name" "SKIPPED" 0 "8-minute budget spent"
    return
  fi
  [ "$limit" -le "$left" ] || limit=$left
  local f=$work/logs/$name.log s=$SECONDS rc
  echo "== $name (timeout ${limit}s)" | tee -a "$log"
  timeout --kill-after=5 "$limit" bash -c "$fn" > "$f" 2>&1
  rc=$?
  local secs=$((SECONDS - s)) detail
  detail=$(grep -v '^\s*$' "$f" | tail -n 1 | tr '|' '/' | cut -c1-300)
  cat "$f" >> "$log"
  if [ $rc -eq 0 ]; then
    row "$name" "ok" "$secs" "$detail"
  elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    row "$name" "**TIMEOUT**" "$secs" "after ${limit}s; $detail"
    failed=1
  else
    row "$name" "**FAILED** ($rc)" "$secs" "$detail"
    failed=1
  fi
  echo "   -> rc $rc, ${secs}s: $detail" | tee -a "$log"
}

# Compares two VCFs record by record (python3's gzip: no htslib tools
# there). Prints counts; fails when the sites or genotypes differ.
vcf_compare() { # CPU.vcf.gz GPU.vcf.gz
  python3 - "$1" "$2" << 'PY'
import gzip, sys
def load(p):
    out = {}
    with gzip.open(p, "rt") as f:
        for line in f:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            fmt = c[8].split(":") if len(c) > 9 else []
            val = dict(zip(fmt, c[9].split(":"))) if len(c) > 9 else {}
            q = float(c[5]) if c[5] != "." else 0.0
            out[(c[0], int(c[1]), c[3], c[4])] = (val.get("GT", "."), q, c[6])
    return out
cpu, gpu = load(sys.argv[1]), load(sys.argv[2])
both = set(cpu) & set(gpu)
gt_diff = sum(cpu[k][0] != gpu[k][0] for k in both)
filt_diff = sum(cpu[k][2] != gpu[k][2] for k in both)
qd = max([abs(cpu[k][1] - gpu[k][1]) for k in both] or [0.0])
same = len(both) == len(cpu) == len(gpu) and gt_diff == 0
print(f"CPU {len(cpu)} records, GPU {len(gpu)}; only CPU {len(cpu) - len(both)}, only GPU {len(gpu) - len(both)}; "
      f"GT differ {gt_diff}, FILTER differ {filt_diff}; max |QUAL diff| {qd:.2f}"
      + ("" if same else " (sites or genotypes differ)"))
sys.exit(0 if same else 1)
PY
}

# A doctest executable: its output, then its summary line; fails on a
# failed case and on any "SKIP:" (on this machine nothing may skip).
doctest_step() {
  "$@" -s > t.log 2>&1
  local r=$?
  grep -v '^\s*$' t.log | tail -n 80
  local skips
  skips=$(grep -c 'SKIP:' t.log)
  local summary
  summary=$(grep 'test cases:' t.log | tail -n 1 | sed 's/\[doctest\] //')
  local first=""
  [ "$skips" -eq 0 ] || first=" (first: $(grep -m 1 'SKIP:' t.log | cut -c1-120))"
  echo "${summary:-no doctest summary}; SKIP lines: $skips$first"
  [ $r -eq 0 ] && [ "$skips" -eq 0 ]
}

run_checks() {
  out=${OUT:-$root/gpucheck-out}
  mkdir -p "$out"
  md=$out/gpu_check.md
  log=$out/gpu_check.log
  : > "$log"
  {
    echo "# dvhpc GPU check"
    echo
    echo "$(date -u +%FT%TZ) on $(uname -n), commit $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo '?')"
    echo
  } > "$md"
  if ! command -v nvidia-smi > /dev/null || ! nvidia-smi -L > /dev/null 2>&1; then
    { echo "**No GPU on this machine** (nvidia-smi $(command -v nvidia-smi > /dev/null && echo 'finds no device' || echo 'not installed')):"
      echo "nothing was run. Run scripts/gpu_check.sh on a machine with an NVIDIA GPU."; } >> "$md"
    echo "gpu_check: NO GPU on this machine (nvidia-smi finds none): nothing run; $md says so" >&2
    exit 3
  fi
  [ -f "$gc/bundle.tar.xz" ] && [ -f "$gc/bin.tar.xz" ] ||
    { echo "gpucheck/ is missing or incomplete: run scripts/gpu_check.sh --prepare first and carry gpucheck" >> "$md"; die "no $gc (run --prepare first)"; }
  echo "prepared: $(tr '\n' ';' < "$gc/MANIFEST")" >> "$md"
  echo >> "$md"
  echo "| step | result | s | detail |" >> "$md"
  echo "|---|---|---|---|" >> "$md"

  work=$(mktemp -d /tmp/dvhpc-gpucheck.XXXX)
  mkdir -p "$work/logs" "$work/run"
  tar -C "$work" -xJf "$gc/bundle.tar.xz"
  bdir=$(ls -d "$work"/dvhpc-*-cuda | head -n 1)
  tar -C "$work" -xJf "$gc/bin.tar.xz"
  # The test and benchmark binaries run like the bundle's dvhpc: a copy of
  # its launcher (libraries, Open MPI paths, CUDA libraries found) per binary.
  for b in "$work"/bin/*; do
    n=$(basename "$b")
    mv "$b" "$bdir/libexec/$n"
    sed "s|/libexec/dvhpc\"|/libexec/$n\"|" "$bdir/bin/dvhpc" > "$bdir/bin/$n"
    chmod 755 "$bdir/bin/$n"
    grep -q "/libexec/$n\"" "$bdir/bin/$n" || { row "setup" "**FAILED**" 0 "bundle launcher has no /libexec/dvhpc exec line to copy"; failed=1; }
  done
  export B=$bdir/bin GC=$gc W=$work/run ROOT=$root NA="$gc/data/$na_dir" REGION=$na_region
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_PROC_BIND=false
  export DVHPC_SOURCE_DIR=$root DVHPC_SHARED_DATA=$gc/data
  export -f vcf_compare doctest_step
  export SIM_ARGS="${sim_args[*]}"
  cd "$work/run" || exit 2

  step nvidia-smi 20 'nvidia-smi; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader'
  step version 60 '"$B/dvhpc" version && "$B/dvhpc" version | grep -q "backends:.*CUDA; default execution space Cuda" &&
    "$B/dvhpc" version | grep "^GPU: [1-9]"'
  # A "SKIP:" here means the GPU was not usable: a failure on this machine.
  step gpu-tests 150 'doctest_step "$B/dvhpc_gpu_tests"'
  step kernels-device 150 'doctest_step "$B/dvhpc_unit_tests" -tc="*<device>"'
  step call-na12878 120 't=$SECONDS; "$B/dvhpc" call --set progress=false --set reference=$NA/ucsc.hg19.chr20.unittest.fasta.gz \
    --set reads=$NA/NA12878_S1.chr20.10_10p1mb.bam --set "regions=$REGION" --set model.device=gpu --set output=na12878.gpu &&
    echo "call $((SECONDS - t)) s" && vcf_compare $GC/ref/na12878.cpu.vcf.gz na12878.gpu.vcf.gz'
  step call-sim1mb 240 'set -e; "$B/dvhpc" simulate --set progress=false --set log_level=warn $SIM_ARGS --set output=sim;
    sha256sum -c $GC/ref/sim.sha256; t=$SECONDS;
    "$B/dvhpc" call --set progress=false --set reference=sim.fa --set reads=sim.bam --set model.device=gpu --set output=sim1mb.gpu;
    echo "call $((SECONDS - t)) s"; vcf_compare $GC/ref/sim1mb.cpu.vcf.gz sim1mb.gpu.vcf.gz'
  step nn-bench-fp32 90 '"$B/nn_bench" --backend gpu --models rnn,cnn --batches 1024 --min-seconds 2 --precision fp32'
  step nn-bench-bf16 90 '"$B/nn_bench" --backend gpu --models rnn,cnn --batches 1024 --min-seconds 2 --precision bf16'
  step train-bench 90 'set -e; for a in "rnn 1024 20" "cnn 256 10"; do "$B/train_bench" $a | tee tb.txt;
    grep -q "backend=gpu" tb.txt || { echo "train_bench did not train on the GPU"; exit 1; }; done'
  step pca-hapmap3 60 '"$B/dvhpc" pca --set progress=false --set log_level=warn --set pca.plot=false \
    --set pca.input=$GC/data/hapmap3/HM3_thinned_autosomal_overlap --set output=hm3 && python3 - $GC/ref/hm3.cpu.eigenval hm3.eigenval << "PY"
import sys
a = [float(x) for x in open(sys.argv[1])]; b = [float(x) for x in open(sys.argv[2])]
d = max(abs(x - y) / abs(x) for x, y in zip(a, b))
print(f"{len(b)} eigenvalues, max relative difference to the CPU build {d:.2e} (products on host threads)")
sys.exit(0 if len(a) == len(b) and d < 1e-4 else 1)
PY'

  local total=$((SECONDS - start))
  { echo
    echo "Total ${total} s (budget ${budget} s). Logs: gpu_check.log; GPU VCFs and step logs: gpu_check_files.tar.gz."; } >> "$md"
  tar -C "$work" -czf "$out/gpu_check_files.tar.gz" logs $(cd "$work" && ls run/*.vcf.gz run/*.eigenval 2> /dev/null)
  cat "$md"
  rm -rf "$work"
  exit $failed
}

case ${1:-} in
  --prepare) prepare ;;
  "") run_checks ;;
  -h|--help) sed -n '2,34p' "$0" ;;
  *) die "unknown option '$1' (see --help)" ;;
esac
