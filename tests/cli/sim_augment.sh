#!/usr/bin/env bash
# The training-data augmentations scripts/add_stutter.py and
# scripts/add_paralogs.py: deterministic per seed, stutter only edits repeat
# tracts by whole units and never lengthens a read, paralog segments are
# diverged copies of the input at the documented rates.
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
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all sim augmentation checks passed"
