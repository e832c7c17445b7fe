#!/usr/bin/env bash
# dvhpc call end to end on the built-in demo data (synthetic genome, ART reads,
# bwa mem), the way users run it:
#   - the VCF is byte-identical at 1 and 2 ranks, and accurate (dvhpc eval);
#   - a run killed mid-way and started again resumes from its finished shards
#     and writes the same VCF, with no partial file under a final name;
#   - a truncated BAM, a contig-name mismatch, a missing index and an
#     unwritable output directory each give one clear error on every rank
#     count, and leave no output behind.
# usage: call_robustness.sh DVHPC_BINARY SOURCE_DIR   (exit 77 = skipped)
set -u
bin=$1 src=$2
for t in art_illumina bwa samtools bcftools tabix; do
  command -v $t > /dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$src/scripts/make_demo_data.sh" data 30 > /dev/null || { echo "FAIL: demo data"; exit 1; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() { timeout 120 "$@"; }
base=(--set reference=data/ref.fa --set reads=data/demo.bam --set preset=demo --set threads=1 --set progress=false)

run "$bin" call "${base[@]}" --set output=np1 2> np1.log || fail "call at 1 rank: $(tail -3 np1.log)"
run mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=np2 2> np2.log || fail "call at 2 ranks"
cmp -s np1.vcf.gz np2.vcf.gz && echo "ok   VCF byte-identical at 1 and 2 ranks" || fail "VCF differs between 1 and 2 ranks"
run mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=dyn --set partition.schedule=dynamic 2> dyn.log ||
  fail "call with the dynamic schedule"
cmp -s np1.vcf.gz dyn.vcf.gz && echo "ok   dynamic schedule gives the same VCF" || fail "dynamic schedule changes the VCF"
[ -e np1.shards ] && fail "np1.shards left behind after a complete run"
"$bin" eval --truth data/truth.vcf.gz --bed data/confident.bed --ref data/ref.fa --calls np1.vcf.gz --out np1 > eval.txt 2> /dev/null ||
  fail "eval failed"
awk '$2 == "ALL" && ($1 == "SNP" || $1 == "INDEL") { print "ok   " $1 " recall " $9 " precision " $10 " F1 " $11;
     if ($9 < 0.9 || $10 < 0.9) bad = 1 } END { exit bad }' eval.txt || fail "demo accuracy below 0.9: $(cat eval.txt)"

# Killed after its first shard (fault injection), then the same command again.
DVHPC_FAULT_AFTER_SHARDS=1 run mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=rs 2> rs1.log &&
  fail "the injected crash did not stop the run"
[ -e rs.vcf.gz ] && fail "a partial rs.vcf.gz exists under its final name after the crash"
ls rs.shards/shard-*.spill > /dev/null 2>&1 || fail "no finished shard kept after the crash"
run mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=rs 2> rs2.log || fail "resumed run failed"
grep -q "resuming: [1-9]" rs2.log || fail "the second run did not resume: $(grep -m3 info rs2.log)"
cmp -s rs.vcf.gz np1.vcf.gz && echo "ok   resumed run gives the same VCF" || fail "resumed VCF differs"

# Shards genotyped with other weights behind the same model file name are not reused.
if /usr/bin/python3 -c "import h5py" 2> /dev/null; then
  cp "$src/models/rnn.h5" rnn.h5
  DVHPC_FAULT_AFTER_SHARDS=1 run mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=rw \
    --set model.rnn="$PWD/rnn.h5" 2> rw1.log && fail "the injected crash did not stop the run"
  /usr/bin/python3 -c "import h5py; h5py.File('rnn.h5', 'a').attrs['retrained'] = 1"
  run mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=rw --set model.rnn="$PWD/rnn.h5" 2> rw2.log ||
    fail "run after changing the model failed: $(grep -m3 -i error rw2.log)"
  grep -q "other settings: discarding" rw2.log && ! grep -q "resuming: [1-9]" rw2.log &&
    echo "ok   changed model weights: old shards discarded" || fail "shards of other model weights were reused"
else
  echo "skip model-change resume check: python3-h5py not installed"
fi

check_error() {  # NAME EXPECTED_TEXT OUTPUT_PREFIX ARGS...
  local name=$1 want=$2 out=$3; shift 3
  for np in 1 2; do
    msg=$(run mpirun -np $np --oversubscribe "$bin" call "${base[@]}" --set output=$out "$@" 2>&1); rc=$?
    if [ $rc -eq 0 ] || [ $rc -eq 124 ] || ! grep -qF -- "$want" <<<"$msg"; then
      fail "$name [np$np] (rc=$rc, wanted '$want'): $(grep -m3 -i error <<<"$msg")"
    else
      echo "ok   $name [np$np]: $(grep -m1 'dvhpc: error' <<<"$msg")"
    fi
    ls "$out".vcf.gz "$out".h5 > /dev/null 2>&1 && fail "$name [np$np]: output left under a final name"
  done
}
# A BAM cut short: the index points past its end.
head -c 1500000 data/demo.bam > cut.bam && cp data/demo.bam.bai cut.bam.bai
check_error "truncated BAM" "cut.bam" tr --set reads=cut.bam
# Reads aligned to "chrdemo1" against a reference calling it "demo1".
samtools view -H data/demo.bam | sed 's/SN:demo/SN:chrdemo/' > hdr.sam
samtools reheader hdr.sam data/demo.bam > chr.bam && samtools index chr.bam
check_error "contig mismatch" "chrdemo1" cm --set reads=chr.bam
cp data/demo.bam noidx.bam
check_error "missing index" "samtools index" ni --set reads=noidx.bam
mkdir ro && chmod 500 ro
if [ "$(id -u)" -ne 0 ]; then check_error "unwritable output" "not writable" ro/x; fi
check_error "missing output directory" "does not exist" nodir/x

echo "$fails failure(s)"
[ $fails -eq 0 ]
