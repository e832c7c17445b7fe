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

# How many of the planted variants the candidate stage found, with alleles
# normalised (left-aligned, multi-allelic records split) on both sides.
echo "== candidate recall against the planted truth (bcftools isec on normalised alleles)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in truth:demo-data/truth.vcf.gz cand:demo-out/demo.candidates.vcf.gz; do
  bcftools norm -m -any -f demo-data/ref.fa "${f#*:}" -Oz -o "$tmp/${f%%:*}.vcf.gz" 2>/dev/null
  tabix -p vcf "$tmp/${f%%:*}.vcf.gz"
done
bcftools isec -c none -p "$tmp/isec" "$tmp/truth.vcf.gz" "$tmp/cand.vcf.gz" 2>/dev/null
python3 - "$tmp/isec" <<'PY'
import sys
d = sys.argv[1]
count = lambda f: sum(1 for l in open(f"{d}/{f}") if not l.startswith("#"))
def by_type(f):
    snp = indel = 0
    for l in open(f"{d}/{f}"):
        if l.startswith("#"): continue
        x = l.split("\t"); snp += len(x[3]) == len(x[4]); indel += len(x[3]) != len(x[4])
    return snp, indel
fn_s, fn_i = by_type("0000.vcf"); tp_s, tp_i = by_type("0002.vcf")
print(f"{'type':6} {'truth':>6} {'found':>6} {'recall':>7}")
for t, tp, fn in (("SNP", tp_s, fn_s), ("INDEL", tp_i, fn_i)):
    print(f"{t:6} {tp + fn:6d} {tp:6d} {tp / max(1, tp + fn):7.3f}")
print(f"candidate alleles not in the truth: {count('0001.vcf')} (sites the genotyper must reject)")
PY
echo "outputs: demo-out/demo.candidates.vcf.gz (+.tbi), demo-out/demo.h5"
