#!/usr/bin/env bash
# Data-parallel training efficiency from 1 to 2 ranks (1 thread per rank) at
# a fixed global batch; appends a dated block to perf/RESULTS_train.md.
#   perf/train_bench.sh [BUILD_DIR] [STEPS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}; steps=${2:-20}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive
out=$here/perf/RESULTS_train.md
{
  echo "## $(date -u +%F) on $(nproc --all) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load before: $(cut -d' ' -f1 /proc/loadavg)"
  echo
  echo '| model | global batch | ranks | examples/s | efficiency vs 1 rank |'
  echo '|---|--:|--:|--:|--:|'
  for arch in rnn cnn; do
    b=256; s=$steps; [ $arch = cnn ] && { b=32; s=$((steps / 4 + 1)); }
    r1=$(mpirun -np 1 "$build/perf/train_bench" $arch $b $s | sed -n 's/.*examples_per_s=\([0-9.]*\).*/\1/p')
    r2=$(mpirun -np 2 --oversubscribe "$build/perf/train_bench" $arch $b $s | sed -n 's/.*examples_per_s=\([0-9.]*\).*/\1/p')
    eff=$(python3 -c "print(f'{$r2 / (2 * $r1) * 100:.0f}%')")
    echo "| $arch | $b | 1 | $r1 | - |"
    echo "| $arch | $b | 2 | $r2 | $eff |"
  done
  echo
  echo "Command: \`perf/train_bench.sh build $steps\` (mpirun -np 1 and -np 2, OMP_NUM_THREADS=1)."
  echo
} | tee -a "$out"
