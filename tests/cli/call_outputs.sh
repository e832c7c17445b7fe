#!/usr/bin/env bash
# The outputs of `dvhpc call` as a user reads them, at 1 and 2 ranks and
# under both schedules, with two samples:
#   - the VCF is byte-identical whatever the rank count and schedule;
#   - PREFIX.h5 is a genotype matrix: row i is VCF record i, /genotypes is
#     [variants, samples] int8 matching each sample's GT, /probabilities
#     [variants, samples, 3], /samples the VCF's sample columns, /timings
#     [ranks, stages], chunks bounded (read with h5py, independently of dvhpc);
#   - a region wholly past the end of its contig is an error naming it.
# usage: call_outputs.sh DVHPC_BINARY SOURCE_DIR   (exit 77 = skipped)
set -u
bin=$1
command -v mpirun > /dev/null || { echo "SKIP: mpirun not installed"; exit 77; }
/usr/bin/python3 -c "import h5py, numpy" 2> /dev/null || { echo "SKIP: python3-h5py not installed"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() { timeout 120 "$@"; }
sim=(--set progress=false --set log_level=warn --set simulate.genome_length=300000 --set simulate.coverage=20)
run "$bin" simulate "${sim[@]}" --set output=a --set sample=ALPHA --set simulate.seed=3 || fail "simulate a"
run "$bin" simulate "${sim[@]}" --set output=b --set sample=BETA --set simulate.seed=4 --set reference=a.fa \
  --set simulate.variants_vcf=a.truth.vcf.gz || fail "simulate b"
base=(--set reference=a.fa --set reads="[a.bam, b.bam]" --set partition.shard_size=40000 --set threads=1
  --set progress=false --set log_level=warn)
run "$bin" call "${base[@]}" --set output=s1 || fail "call at 1 rank"
run mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=d2 --set partition.schedule=dynamic ||
  fail "call at 2 ranks, dynamic"
run mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=s2 || fail "call at 2 ranks, static"
for p in d2 s2; do
  cmp -s s1.vcf.gz $p.vcf.gz && echo "ok   $p VCF byte-identical to 1 rank" || fail "$p VCF differs from 1 rank"
  cmp -s s1.candidates.vcf.gz $p.candidates.vcf.gz || fail "$p candidates VCF differs from 1 rank"
done
ls -d ./*.shards 2> /dev/null && fail "shard spill directories left behind"
cat > check.py <<'PY'
import gzip, sys
import h5py, numpy as np
prefix, ranks = sys.argv[1], int(sys.argv[2])
f = h5py.File(prefix + ".h5", "r")
samples = None
recs = []
for line in gzip.open(prefix + ".vcf.gz", "rt"):
    if line.startswith("#CHROM"):
        samples = line.rstrip("\n").split("\t")[9:]
    elif not line.startswith("#"):
        recs.append(line.rstrip("\n").split("\t"))
n, ns = len(recs), len(samples)
assert n > 100, "too few records: %d" % n
assert [s.decode() for s in f["/samples"][:]] == samples, "samples differ from the VCF"
assert f["/calls/pos"].shape == (n,), f["/calls/pos"].shape
assert list(f["/calls/pos"][:]) == [int(r[1]) for r in recs], "rows are not in VCF order"
assert [a.decode() for a in f["/calls/alt"][:]] == [r[4] for r in recs], "ALT column differs"
assert [c.decode() for c in f["/calls/contig"][:]] == [r[0] for r in recs]
g = f["/genotypes"]
assert g.dtype == np.int8 and g.shape == (n, ns), (g.dtype, g.shape)
want = np.array([[sum(a not in ("0", ".") for a in r[9 + s].split(":")[0].replace("|", "/").split("/"))
                  for s in range(ns)] for r in recs], dtype=np.int8)
assert (g[:] == want).all(), "genotypes differ from GT"
assert g.chunks[0] * g.chunks[1] <= 65536, g.chunks
p = f["/probabilities"]
assert p.shape == (n, ns, 3) and np.allclose(p[:].sum(axis=2), 1, atol=1e-3)
assert (np.argmax(p[:], axis=2) == g[:]).mean() > 0.99, "probabilities disagree with genotypes"
t = f["/timings"]
stages = t.attrs["stages"].decode().split(",")
assert t.shape == (ranks, len(stages)), (t.shape, stages)
assert "load" in stages and "rnn" in stages, stages
print("ok   %s.h5: %d rows in VCF order, genotypes %s, timings %s" % (prefix, n, g.shape, t.shape))
PY
/usr/bin/python3 check.py s1 1 || fail "s1.h5"
/usr/bin/python3 check.py d2 2 || fail "d2.h5 (dynamic schedule)"
# One sample: the matrix is still 2-D.
run "$bin" call "${base[@]}" --set reads=a.bam --set output=one || fail "single-sample call"
/usr/bin/python3 -c "import h5py; g = h5py.File('one.h5')['/genotypes']; assert g.ndim == 2 and g.shape[1] == 1, g.shape" &&
  echo "ok   one sample: /genotypes is [variants, 1]" || fail "single-sample /genotypes is not 2-D"
# A region past the end of its contig.
contig=$(cut -f1 a.fa.fai | head -1)
for np in 1 2; do
  msg=$(run mpirun -np $np --oversubscribe "$bin" call "${base[@]}" --set output=past --set "regions=[\"$contig:400001-500000\"]" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "past the end of contig '$contig'" <<<"$msg"; then
    echo "ok   region past the end [np$np]: $(grep -m1 'dvhpc: error' <<<"$msg")"
  else
    fail "region past the end [np$np] (rc=$rc): $msg"
  fi
  ls past.* > /dev/null 2>&1 && fail "output left after the region error"
done
# A rank that fails inside the collective HDF5 write (the others wait in the
# next collective): the job ends with its message, nothing under a final name.
for r in 0 1; do
  start=$(date +%s)
  msg=$(DVHPC_FAULT_IN_H5_WRITE=$r timeout 60 mpirun -np 2 --oversubscribe "$bin" call "${base[@]}" --set output=fw 2>&1)
  rc=$?
  took=$(( $(date +%s) - start ))
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "rank $r.*injected failure inside the HDF5 write" <<<"$msg"; then
    echo "ok   failure on rank $r inside the HDF5 write ends the job in ${took} s: $(grep -m1 'dvhpc: error' <<<"$msg")"
  else
    fail "failure on rank $r inside the HDF5 write (rc=$rc, ${took} s): $(grep -m2 -i error <<<"$msg")"
  fi
  ls fw.vcf.gz fw.h5 > /dev/null 2>&1 && fail "final outputs present after the failed write (rank $r)"
  rm -rf fw.*
done
echo "$fails failure(s)"
[ $fails -eq 0 ]
