#!/usr/bin/env bash
# scripts/make_model_stores.sh on a small simulated window: both training
# stores are written with labels, the strand-error BAM differs from the MAPQ
# one only in bases and qualities, the strand errors add hom-ref examples
# and no variant ones, a second run gives the same stores, and no temporary
# BAM is left.
# usage: model_stores.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
bin=$1 src=$2
command -v samtools >/dev/null || { echo "SKIP: samtools not installed"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
/usr/bin/python3 -c "import pysam, h5py" 2>/dev/null || { echo "SKIP: python3-pysam or python3-h5py not installed"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
printf 'progress: false\nlog_level: warn\nsimulate:\n  genome_length: 200000\n  coverage: 30\n  seed: 5\n' > sim.yaml
"$bin" simulate sim.yaml --set output=s > sim.log 2>&1 || { cat sim.log; echo "FAIL simulate exited"; exit 1; }
mkdir w
cp s.bam w/sim.bam && cp s.bam.bai w/sim.bam.bai && cp s.fa w/ref.fa && cp s.fa.fai w/ref.fa.fai
contig=$(cut -f1 s.fa.fai | head -1)
printf 'reference: %s\nreads: [%s]\noutput: %s\ntruth:\n  vcf: %s\n  bed: %s\n' \
  "$tmp/w/ref.fa" "$tmp/w/sim.bam" "$tmp/w/examples" "$tmp/s.truth.vcf.gz" "$tmp/s.bed" > w/make_examples.yaml
DVHPC=$bin NP=1 bash "$src/scripts/make_model_stores.sh" w > run1.log 2>&1 || { cat run1.log; fail "make_model_stores.sh exited $?"; }
for f in sim.mapq2.bam sim.mapq2.bam.bai sim.mq2st.bam sim.mq2st.bam.bai lowaf_mq2.examples.h5 lowaf_mq2st.examples.h5; do
  [ -s "w/$f" ] || fail "w/$f missing"
done
[ -z "$(ls w | grep tmp)" ] || fail "temporary files left: $(ls w | grep tmp)"
cp w/lowaf_mq2st.examples.h5 first.h5
DVHPC=$bin NP=1 bash "$src/scripts/make_model_stores.sh" w > run2.log 2>&1 || fail "second run exited $?"
/usr/bin/python3 - <<'PY' || fails=$((fails + 1))
import h5py, numpy as np, pysam
pysam.set_verbosity(0)
a = h5py.File("w/lowaf_mq2.examples.h5", "r")
b = h5py.File("w/lowaf_mq2st.examples.h5", "r")
la, lb = np.bincount(a["labels"][:], minlength=3), np.bincount(b["labels"][:], minlength=3)
print(f"     labels hom-ref/het/hom-alt: MAPQ {list(la)}, + strand errors {list(lb)}")
assert la[1] + la[2] > 50, "too few variant examples in the simulated window"
assert lb[0] > la[0], "strand errors added no hom-ref examples"
assert abs(int(lb[1]) - int(la[1])) <= 2 and abs(int(lb[2]) - int(la[2])) <= 2, "variant examples changed"
c = h5py.File("first.h5", "r")
assert np.array_equal(b["labels"][:], c["labels"][:]) and np.array_equal(b["rnn/features"][:], c["rnn/features"][:]), \
    "a second run made other stores"
edited = 0
for x, y in zip(pysam.AlignmentFile("w/sim.mapq2.bam"), pysam.AlignmentFile("w/sim.mq2st.bam")):
    assert (x.query_name, x.reference_start, x.cigarstring, x.mapping_quality) == \
           (y.query_name, y.reference_start, y.cigarstring, y.mapping_quality), "alignments changed"
    edited += x.query_sequence != y.query_sequence
assert edited > 0, "no read edited"
print(f"ok   stores written, {lb[0] - la[0]} more hom-ref examples, {edited} reads edited, reproducible")
PY
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all model-store checks passed"
