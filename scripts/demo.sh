#!/usr/bin/env bash
# The built-in demo: make the synthetic data set (once), then run dvhpc on it
# with 2 MPI ranks. Run scripts/setup.sh first (the README's demo command
# does both).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
bin=${DVHPC:-build/dvhpc}
[ -x "$bin" ] || { echo "demo: $bin not found; run scripts/setup.sh first" >&2; exit 1; }

echo "== dvhpc version"
"$bin" version
echo "== making the demo data set (synthetic genome, ART reads, bwa mem)"
scripts/make_demo_data.sh demo-data 30
mkdir -p demo-out
echo "== mpirun -np 2 dvhpc call configs/demo.yaml"
mpirun -np 2 "$bin" call configs/demo.yaml
echo "== dvhpc eval: calls against the planted truth"
"$bin" eval --truth demo-data/truth.vcf.gz --bed demo-data/confident.bed --ref demo-data/ref.fa \
  --calls demo-out/demo.vcf.gz --out demo-out/demo
echo "outputs: demo-out/demo.vcf.gz (+.tbi), demo-out/demo.h5, demo-out/demo.candidates.vcf.gz, demo-out/demo.eval.csv, demo-out/demo.eval.errors.tsv"
