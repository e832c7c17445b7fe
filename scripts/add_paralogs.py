#!/usr/bin/env python3
"""Writes diverged copies of random segments of a haplotype, for read
simulation: a stand-in for paralogs (segmental duplications) that real
genomes have and a small simulated reference lacks.

In real data, reads from a paralogous copy that is missing from the
reference, or diverged from it, map onto the other copy with high MAPQ, and
the copy's differences look like clustered heterozygous SNPs at 10-35% allele
fraction. Simulated reads drawn only from the two haplotypes never show that,
so a model trained on them calls such clusters. Reads simulated from this
FASTA (at a fraction of the main coverage) and mixed into the main reads
add those artefacts; the truth VCF is unchanged, so they are labelled
hom-ref.

  add_paralogs.py --seed 3 --per-mb 20 hap1.fa > paralogs.fa

Each segment: length uniform in [1000, 5000] bp, SNP divergence uniform in
[1%, 4%], one 1-3 bp indel per kb on average. Deterministic per seed.
"""
import argparse
import random
import sys


def read_fasta(path):
    seq = []
    with open(path) as f:
        for line in f:
            if not line.startswith(">"):
                seq.append(line.strip().upper())
    return "".join(seq)


def diverge(seg, rate, rng):
    out = []
    i = 0
    while i < len(seg):
        b = seg[i]
        r = rng.random()
        if r < rate and b in "ACGT":
            out.append(rng.choice([c for c in "ACGT" if c != b]))
        elif r < rate + 0.001:  # small indel
            n = rng.randint(1, 3)
            if rng.random() < 0.5:
                out.append(b + "".join(rng.choice("ACGT") for _ in range(n)))
            else:
                i += n
                continue
        else:
            out.append(b)
        i += 1
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fasta")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-mb", type=float, default=20.0, help="segments per Mb of the haplotype")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    hap = read_fasta(args.fasta)
    count = max(1, round(len(hap) / 1e6 * args.per_mb))
    written = 0
    for k in range(count):
        length = rng.randint(1000, 5000)
        if len(hap) <= length:
            break
        start = rng.randrange(0, len(hap) - length)
        seg = hap[start:start + length]
        if seg.count("N") > length // 10:
            continue
        rate = rng.uniform(0.01, 0.04)
        sys.stdout.write(f">paralog{k}_{start}_{length}_{rate:.3f}\n")
        s = diverge(seg, rate, rng)
        for i in range(0, len(s), 60):
            sys.stdout.write(s[i:i + 60] + "\n")
        written += 1
    print(f"add_paralogs.py: {written} segments", file=sys.stderr)


if __name__ == "__main__":
    main()
