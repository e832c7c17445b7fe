#!/usr/bin/env bash
# Makes labelled training examples from the GRCh38 chr20 simulation basis in
# shared/data: for each WINDOW, scripts/make_sim_bam.sh plants the HG002
# variants on two haplotypes, simulates ART reads at COVERAGE and aligns them;
# then `dvhpc make-examples` labels every candidate against the planted
# variants (truth.vcf = the window's HG002 VCF, truth.bed = the window: the
# planted variants are the truth everywhere in a simulated window).
#
#   scripts/make_training_data.sh OUTDIR COVERAGE WINDOW [WINDOW...]
#   scripts/make_training_data.sh /work/data/train 30 chr20:1000001-2000000 chr20:2000001-3000000
#   -> OUTDIR/<window>/sim.bam ..., OUTDIR/<window>/examples.examples.h5
#
# chr20:3000001-4000000 is held out as test data: the script refuses it
# unless ALLOW_HELDOUT=1. Environment: DVHPC (binary, default build/dvhpc),
# NP (MPI ranks for make-examples, default 2), THREADS (bwa/samtools threads).
# A window whose sim.bam exists is not simulated again. OUTDIR should be
# outside the repository: data is never committed.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 OUTDIR COVERAGE WINDOW [WINDOW...]   (e.g. /work/data/train 30 chr20:1000001-2000000)" >&2
  exit 2
fi
OUT=$1 COVERAGE=$2
shift 2
HERE=$(cd "$(dirname "$0")/.." && pwd)
DVHPC=${DVHPC:-$HERE/build/dvhpc}
NP=${NP:-2}
[ -x "$DVHPC" ] || { echo "error: dvhpc binary not found at $DVHPC (build it or set DVHPC)" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SHARED_REF=""
for W in "$@"; do
  case "$W" in
    chr20:3000001-4000000 | chr20:3*)
      [ "${ALLOW_HELDOUT:-0}" = 1 ] || { echo "error: $W overlaps chr20:3000001-4000000, held out as test data (ALLOW_HELDOUT=1 to override)" >&2; exit 1; } ;;
  esac
  NAME=$(echo "$W" | tr ':-' '__')
  D=$OUT/${NAME}_${COVERAGE}x
  mkdir -p "$D"
  # One bwa index for all windows: link the first window's reference files.
  if [ -n "$SHARED_REF" ] && [ ! -e "$D/ref.fa" ]; then
    for f in "$SHARED_REF"/ref.fa*; do ln -sf "$f" "$D/"; done
  fi
  if [ ! -s "$D/sim.bam.bai" ]; then
    bash "$HERE/scripts/make_sim_bam.sh" "$W" "$COVERAGE" "$D"
  fi
  [ -n "$SHARED_REF" ] || SHARED_REF=$D
  # Window as 0-based BED.
  echo "$W" | awk -F'[:-]' '{ printf "%s\t%d\t%d\n", $1, $2 - 1, $3 }' > "$D/window.bed"
  cat > "$D/make_examples.yaml" <<YAML
reference: $D/ref.fa
reads: [$D/sim.bam]
regions: ["$W"]
output: $D/examples
partition:
  shard_size: 250000
truth:
  vcf: $D/truth.vcf.gz
  bed: $D/window.bed
YAML
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 \
    mpirun -np "$NP" --oversubscribe "$DVHPC" make-examples "$D/make_examples.yaml"
  echo "wrote $D/examples.examples.h5"
done
