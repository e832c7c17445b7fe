#!/usr/bin/env bash
# Makes the example stores the shipped models (v3) were trained on, from
# window directories made by scripts/make_training_data.sh (each holds
# sim.bam, ref.fa, make_examples.yaml). For window number i (1-based, in the
# order given):
#
#   sim.mapq2.bam   scripts/add_mapq_artefacts.py --seed 12 --segdups-per-mb 30 --segdup-low 0.8
#   sim.mq2st.bam   scripts/add_strand_errors.py --seed 20+i, on sim.mapq2.bam
#   lowaf_mq2.examples.h5    from sim.mapq2.bam  (the CNN's stores)
#   lowaf_mq2st.examples.h5  from sim.mq2st.bam  (the RNN's stores)
#
# Examples at the training thresholds (SNP 0.03, indel 0.02) and with local
# assembly off, as the v3 stores were made (models/README.md says why). The
# order matters: configs/train_rnn.yaml lists the 10 windows in the order the
# seeds were given.
#
#   scripts/make_model_stores.sh DIR [DIR...]
#
# Environment: DVHPC (binary, default build/dvhpc), NP (MPI ranks, default 2),
# PYTHON (default /usr/bin/python3, which has pysam).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 WINDOW_DIR [WINDOW_DIR...]   (directories made by scripts/make_training_data.sh)" >&2
  exit 2
fi
HERE=$(cd "$(dirname "$0")/.." && pwd)
DVHPC=${DVHPC:-$HERE/build/dvhpc}
NP=${NP:-2}
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$DVHPC" ] || { echo "error: dvhpc binary not found at $DVHPC (build it or set DVHPC)" >&2; exit 1; }
"$PYTHON" -c "import pysam" 2> /dev/null || { echo "error: $PYTHON cannot import pysam (apt-get install python3-pysam)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
i=0
for D in "$@"; do
  i=$((i + 1))
  for f in sim.bam ref.fa make_examples.yaml; do
    [ -s "$D/$f" ] || { echo "error: $D/$f missing (make the window with scripts/make_training_data.sh)" >&2; exit 1; }
  done
  "$PYTHON" "$HERE/scripts/add_mapq_artefacts.py" --seed 12 --segdups-per-mb 30 --segdup-low 0.8 \
    "$D/sim.bam" "$D/sim.mapq2.bam.tmp"
  mv "$D/sim.mapq2.bam.tmp" "$D/sim.mapq2.bam"
  samtools index "$D/sim.mapq2.bam"
  "$PYTHON" "$HERE/scripts/add_strand_errors.py" --seed $((20 + i)) "$D/ref.fa" "$D/sim.mapq2.bam" "$D/sim.mq2st.bam.tmp"
  mv "$D/sim.mq2st.bam.tmp" "$D/sim.mq2st.bam"
  samtools index "$D/sim.mq2st.bam"
  for pair in mapq2:lowaf_mq2 mq2st:lowaf_mq2st; do
    mpirun -np "$NP" --oversubscribe "$DVHPC" make-examples "$D/make_examples.yaml" \
      --set output="$D/${pair#*:}" --set "reads=[$D/sim.${pair%%:*}.bam]" \
      --set candidates.snp_min_fraction=0.03 --set candidates.indel_min_fraction=0.02 \
      --set assembly.enabled=false --set progress=false --set log_level=warn
  done
  echo "$D: $D/lowaf_mq2.examples.h5 $D/lowaf_mq2st.examples.h5 (strand-error seed $((20 + i)))"
done
