#!/usr/bin/env python3
"""Adds polymerase slippage ("stutter") to simulated reads in FASTQ.

ART models substitutions and rare random indels, but real Illumina reads
also lose or gain whole repeat units in homopolymers and short tandem
repeats, more often the longer the repeat. Those errors are what make
real-data indel calling hard: 10-30% of the reads at a long repeat can carry
an indel that is not in the genome, and real heterozygous indels in repeats
lose support to their stutter neighbours. A model trained only on ART reads
has never seen either. This script edits each read independently:

  for every tract of a unit of 1-4 bp repeated to at least MIN_LEN bp in the read,
  with probability p(L) = min(CAP, BASE * GROWTH ** (L - MIN_LEN))  (L: tract bp)
  delete one unit (70%), insert one unit (25%) or delete two units (5%).
  A read never grows: after an insertion its last bases are dropped; after a
  deletion it is one unit shorter (bwa and the callers take mixed lengths).

Deterministic for a given --seed and input. Usage:
  add_stutter.py --seed 1 [--scale 1.0] < in.fq > out.fq
"""
import argparse
import random
import sys

# Rates are a judgement, not fitted to any data set (fitting them to the
# NA12878 evaluation reads would leak the test set into training): about 1%
# of 150 bp reads are edited; a 15 bp tract slips in ~4% of reads, 20 bp in ~16%.
MIN_LEN = 6      # shortest tract (bp) that can stutter
BASE = 0.004     # p at MIN_LEN
GROWTH = 1.3     # per extra bp of tract
CAP = 0.35       # longest tracts


def primitive(unit):
    """True if unit is not itself a repeat of a shorter unit (AA, ACAC)."""
    u = len(unit)
    return all(unit != unit[:d] * (u // d) for d in range(1, u) if u % d == 0)


def tracts(seq):
    """(start, end, unit) of maximal tandem repeats, units 1-4 bp, >= MIN_LEN bp."""
    found = []
    n = len(seq)
    for unit in (1, 2, 3, 4):
        min_len = max(MIN_LEN, 3 * unit)
        i = 0
        while i + unit < n:
            j = i
            while j + unit < n and seq[j] == seq[j + unit]:
                j += 1
            if j + unit - i >= min_len and primitive(seq[i:i + unit]):
                found.append((i, j + unit, unit))
            i = max(j, i + 1)
    # Keep the longest of overlapping tracts.
    found.sort(key=lambda t: -(t[1] - t[0]))
    kept = []
    for t in found:
        if all(t[1] <= k[0] or t[0] >= k[1] for k in kept):
            kept.append(t)
    return sorted(kept)


def stutter(seq, qual, rng, scale):
    n = len(seq)
    # Right to left so earlier coordinates stay valid.
    for start, end, unit in reversed(tracts(seq)):
        length = end - start
        p = min(CAP, BASE * GROWTH ** (length - MIN_LEN)) * scale
        if rng.random() >= p:
            continue
        r = rng.random()
        if r < 0.70:
            seq, qual = seq[:start] + seq[start + unit:], qual[:start] + qual[start + unit:]
        elif r < 0.95:
            seq, qual = seq[:start] + seq[start:start + unit] + seq[start:], qual[:start] + qual[start:start + unit] + qual[start:]
        elif length >= 3 * unit:
            seq, qual = seq[:start] + seq[start + 2 * unit:], qual[:start] + qual[start + 2 * unit:]
    if len(seq) > n:
        seq, qual = seq[:n], qual[:n]
    return seq, qual


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies every stutter probability")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    inp, out = sys.stdin, sys.stdout
    edited = total = 0
    while True:
        name = inp.readline()
        if not name:
            break
        seq = inp.readline().rstrip("\n")
        plus = inp.readline()
        qual = inp.readline().rstrip("\n")
        if not qual or not plus.startswith("+"):
            sys.exit("add_stutter.py: truncated or malformed FASTQ record " + name.strip())
        new_seq, new_qual = stutter(seq, qual, rng, args.scale)
        total += 1
        edited += new_seq != seq
        out.write(name + new_seq + "\n+\n" + new_qual + "\n")
    print(f"add_stutter.py: {edited} of {total} reads stuttered", file=sys.stderr)


if __name__ == "__main__":
    main()
