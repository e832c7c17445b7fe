#!/usr/bin/env bash
# The training-data augmentations scripts/add_stutter.py,
# scripts/add_paralogs.py and scripts/add_mapq_artefacts.py: deterministic
# per seed, stutter only edits repeat tracts by whole units and never
# lengthens a read, paralog segments are diverged copies of the input at the
# documented rates, MAPQ is lowered only for paralog reads and reads in the
# segment stand-ins, within the documented ranges.
# usage: sim_augment.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
src=$2
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
# 2000 reads of 60 bp: unique sequence around a 16-A run and a (CA)x8 repeat.
python3 - <<'PY'
import random
rng = random.Random(5)
flank = lambda n: "".join(rng.choice("ACGT") for _ in range(n))
with open("in.fq", "w") as f:
    for i in range(2000):
        s = (flank(10) + "A" * 16 + flank(6) + "CA" * 8 + flank(12))[:60]
        f.write(f"@r{i}\n{s}\n+\n{'I' * len(s)}\n")
with open("hap.fa", "w") as f:
    f.write(">hap\n" + "".join(rng.choice("ACGT") for _ in range(200000)) + "\n")
PY
python3 "$src/scripts/add_stutter.py" --seed 3 --scale 5 < in.fq > a.fq 2> a.log || fail "add_stutter.py exited $?"
python3 "$src/scripts/add_stutter.py" --seed 3 --scale 5 < in.fq > b.fq 2> /dev/null
cmp -s a.fq b.fq && echo "ok   stutter deterministic per seed" || fail "stutter differs between runs with one seed"
SRC=$src python3 - <<'PY' || fails=$((fails + 1))
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "scripts"))
from add_stutter import tracts
orig = open("in.fq").read().split("\n")[1::4]
new = open("a.fq").read().split("\n")[1::4]
quals = open("a.fq").read().split("\n")[3::4]
assert len(orig) == len(new) == 2000, "read count changed"
edited = 0
for o, n, q in zip(orig, new, quals):
    assert len(q) == len(n), "quality length differs from sequence"
    assert len(n) <= len(o), "a read grew"
    if n == o:
        continue
    edited += 1
    # Some tract lost one or two units or gained one (the read then cut to length).
    ok = False
    for start, end, unit in tracts(o):
        for edit in (o[:start] + o[start + unit:], o[:start] + o[start + 2 * unit:],
                     (o[:start] + o[start:start + unit] + o[start:])[:len(o)]):
            ok |= edit == n
    if not ok:
        # Two tracts edited in one read: check the first differing base lies in a tract.
        d = next(i for i, (x, y) in enumerate(zip(o, n)) if x != y) if any(x != y for x, y in zip(o, n)) else len(n)
        ok = any(s <= d <= e for s, e, _ in tracts(o))
    assert ok, f"read edited outside a repeat tract: {o} -> {n}"
if not 100 < edited < 1800:
    print(f"FAIL stutter edited {edited} of 2000 reads at scale 5"); sys.exit(1)
print(f"ok   stutter: {edited} of 2000 reads edited, whole units in repeat tracts, none longer")
PY
python3 "$src/scripts/add_paralogs.py" --seed 2 --per-mb 50 hap.fa > p.fa 2> p.log || fail "add_paralogs.py exited $?"
python3 - <<'PY' || fails=$((fails + 1))
hap = "".join(l.strip() for l in open("hap.fa") if not l.startswith(">"))
recs, name = {}, None
for l in open("p.fa"):
    l = l.strip()
    if l.startswith(">"): name = l[1:]; recs[name] = ""
    else: recs[name] += l
assert len(recs) == 10, f"{len(recs)} segments, expected 10 (50 per Mb of 200 kb)"
for name, seq in recs.items():
    _, start, length, rate = name.split("_")
    start, length, rate = int(start), int(length), float(rate)
    assert 1000 <= length <= 5000 and 0.01 <= rate <= 0.04, name
    orig = hap[start:start + length]
    assert abs(len(seq) - length) < 0.02 * length, "segment length off"
    # Shared 12-mers: about (1 - rate)^12 of them survive; an unrelated
    # sequence shares none, an unmodified copy all.
    kmers = {orig[i:i + 12] for i in range(len(orig) - 11)}
    shared = sum(seq[i:i + 12] in kmers for i in range(len(seq) - 11)) / (len(seq) - 11)
    assert 0.45 < shared < 0.95, f"{name}: {shared:.2f} of 12-mers shared with the source"
print(f"ok   paralogs: {len(recs)} diverged segments")
PY
# MAPQ artefacts on a BAM: paralog reads and reads in segment stand-ins only.
if /usr/bin/python3 -c "import pysam" 2>/dev/null; then
  /usr/bin/python3 - <<'PY' || fails=$((fails + 1))
import pysam
hdr = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr1", "LN": 1000000}]}
with pysam.AlignmentFile("m.bam", "wb", header=hdr) as out:
    for i in range(4000):
        r = pysam.AlignedSegment()
        r.query_name = ("paralog3_1_2000_0.02-" if i % 4 == 0 else "chr1-") + str(i)
        r.reference_id, r.reference_start, r.mapping_quality = 0, i * 250, 60
        r.cigarstring, r.query_sequence, r.query_qualities = "50M", "A" * 50, pysam.qualitystring_to_array("I" * 50)
        r.flag = 64
        out.write(r)
PY
  for s in a b; do
    /usr/bin/python3 "$src/scripts/add_mapq_artefacts.py" --seed 4 --segdups-per-mb 20 m.bam m_$s.bam > m_$s.log ||
      fail "add_mapq_artefacts.py exited $?"
  done
  /usr/bin/python3 - <<'PY' || fails=$((fails + 1))
import pysam
pysam.set_verbosity(0)
a = [(r.query_name, r.mapping_quality) for r in pysam.AlignmentFile("m_a.bam")]
b = [(r.query_name, r.mapping_quality) for r in pysam.AlignmentFile("m_b.bam")]
assert a == b, "not deterministic per seed"
par = [q for n, q in a if n.startswith("paralog")]
gen = [q for n, q in a if not n.startswith("paralog")]
low_par = sum(q < 60 for q in par) / len(par)
assert 0.6 < low_par < 0.8, f"{low_par:.2f} of paralog reads lowered, expected about 0.7"
assert all(0 <= q <= 40 for q in par if q < 60)
low_gen = [q for q in gen if q < 60]
assert all(10 <= q <= 40 for q in low_gen), "genuine reads lowered outside [10, 40]"
# 20 segments of 1-5 kb per Mb over 1 Mb: ~60 kb, i.e. ~2-12% of reads; half lowered.
assert 0.005 < len(low_gen) / len(gen) < 0.1, f"{len(low_gen)} of {len(gen)} genuine reads lowered"
print(f"ok   MAPQ artefacts: {low_par:.2f} of paralog reads, {len(low_gen)} of {len(gen)} genuine reads lowered")
PY
else
  echo "skip MAPQ artefacts: python3-pysam not installed"
fi
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all sim augmentation checks passed"
