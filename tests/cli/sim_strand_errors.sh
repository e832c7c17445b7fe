#!/usr/bin/env bash
# The training-data augmentation scripts/add_strand_errors.py: deterministic
# per seed; every edited base follows a homopolymer in its read's direction
# and becomes the run's base; the reads of the other strand are never edited
# there; per-site error fractions and base qualities in the documented
# ranges; reads carrying a non-reference base at a site are left alone.
# usage: sim_strand_errors.sh DVHPC_BINARY SOURCE_DIR    (exit 77 = skipped)
set -u
src=$2
/usr/bin/python3 -c "import pysam" 2>/dev/null || { echo "SKIP: python3-pysam not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# Site enumeration on a hand-made sequence.
PYTHONPATH="$src/scripts" /usr/bin/python3 - <<'PY' || fails=$((fails + 1))
from add_strand_errors import candidate_sites
# TTTT at 3..6: forward reads meet it before position 7 (A), reverse reads
# before position 2 (G); the GG at 8..9 gives 10 (forward) and 7 (reverse).
got = candidate_sites("ACGTTTTAGGC", 2)
want = [(7, "+", "T", 4), (2, "-", "T", 4), (10, "+", "G", 2), (7, "-", "G", 2)]
assert got == want, got
assert candidate_sites("ACGTTTTAGGC", 3) == want[:2]
assert candidate_sites("NNNNAC", 2) == [], "N runs are not homopolymers"
print("ok   strand errors: site enumeration")
PY

# A 20 kb random reference with reads tiling both strands at about 30x,
# equal to the reference except every 10th read, which carries a variant at
# every position divisible by 10 (real alleles must be left alone).
/usr/bin/python3 - <<'PY'
import random, pysam
rng = random.Random(9)
ref = "".join(rng.choice("ACGT") for _ in range(20000))
open("ref.fa", "w").write(">c1\n" + ref + "\n")
pysam.faidx("ref.fa")
alt = {"A": "C", "C": "G", "G": "T", "T": "A"}
hdr = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "c1", "LN": len(ref)}]}
with pysam.AlignmentFile("in.bam", "wb", header=hdr) as out:
    n = 0
    for start in range(0, len(ref) - 100, 7):
        for rev in (False, True):
            seq = ref[start:start + 100]
            if n % 10 == 0:
                seq = "".join(alt[b] if (start + i) % 10 == 0 else b for i, b in enumerate(seq))
            r = pysam.AlignedSegment()
            r.query_name, r.flag = f"r{n}", 16 if rev else 0
            r.reference_id, r.reference_start, r.mapping_quality = 0, start, 60
            r.cigarstring, r.query_sequence = "100M", seq
            r.query_qualities = pysam.qualitystring_to_array("I" * 100)
            r.set_tag("NM", sum(a != b for a, b in zip(seq, ref[start:start + 100])))
            out.write(r)
            n += 1
PY
for s in a b; do
  /usr/bin/python3 "$src/scripts/add_strand_errors.py" --seed 3 --sites-per-mb 2000 ref.fa in.bam out_$s.bam > $s.log ||
    fail "add_strand_errors.py exited $?"
done
cmp -s out_a.bam out_b.bam && echo "ok   strand errors deterministic per seed" || fail "strand errors differ between runs with one seed"
grep -q "40 strand-error sites" a.log || fail "expected 40 sites (2000 per Mb of 20 kb): $(cat a.log)"

PYTHONPATH="$src/scripts" /usr/bin/python3 - <<'PY' || fails=$((fails + 1))
import collections, random, pysam
from add_strand_errors import choose_sites
pysam.set_verbosity(0)
ref = pysam.FastaFile("ref.fa").fetch("c1")
# The script draws its sites from random.Random(seed), contig by contig.
chosen = choose_sites(ref, random.Random(3), 2000, 2)
run_base = {(p, s): run for s in "+-" for _, (run, _, span) in chosen[s].items() for p, _ in span}
for s in "+-":
    for p, (run, _, span) in chosen[s].items():   # a span's second base follows its first
        prev = ref[p - 1] if s == "+" else ref[p + 1]
        assert span[0][0] == p and prev == run, f"site {p}{s}: read-direction predecessor {prev}, run {run}"
depth, edits = collections.Counter(), collections.Counter()
lowq = total = 0
for a, b in zip(pysam.AlignmentFile("in.bam"), pysam.AlignmentFile("out_a.bam")):
    strand = "-" if b.is_reverse else "+"
    n = 0
    for qp, rp in b.get_aligned_pairs(matches_only=True):
        depth[(rp, strand)] += 1
        before, after = a.query_sequence[qp], b.query_sequence[qp]
        if before != ref[rp]:
            assert after == before, f"read {b.query_name}: real allele at {rp} edited"
            continue
        if after == before:
            continue
        assert run_base.get((rp, strand)) == after, f"edit {before}->{after} at {rp}{strand} is not a chosen run-on"
        edits[(rp, strand)] += 1
        total += 1
        n += 1
        lowq += b.query_qualities[qp] <= 15
    assert b.get_tag("NM") == a.get_tag("NM") + n, "NM not updated with the edits"
assert len(edits) >= 30, f"only {len(edits)} of 40+ site positions edited"
frac = sorted(n / depth[k] for k, n in edits.items())
assert 0.15 < frac[len(frac) // 2] < 0.5, f"median edited fraction {frac[len(frac) // 2]:.2f}"
assert frac[-1] <= 0.8, f"a site has {frac[-1]:.2f} of its strand's reads edited (rate <= 0.6)"
assert 0.55 < lowq / total < 0.85, f"{lowq} of {total} edited bases at quality <= 15, expected about 0.7"
print(f"ok   strand errors: {total} edits at {len(edits)} site positions, median fraction "
      f"{frac[len(frac) // 2]:.2f}, {lowq / total:.2f} at low quality, real alleles untouched")
PY
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all strand-error checks passed"
