#!/usr/bin/env python3
"""Synthetic genome and diploid truth for the built-in demo.

The sequence is random but not uniform: 41% GC like the human genome, with
homopolymers and short tandem repeats planted, because indel calling is hard
exactly there. Variants: SNPs (1 per 1,000 bp) and indels of 1-8 bp (1 per
6,000 bp), 60% het (phased 0|1 or 1|0) and 40% hom-alt, never within 10 bp of
each other so the truth is unambiguous.
"""
import argparse
import random

CONTIGS = [("demo1", 150_000), ("demo2", 100_000)]


def make_sequence(rng, n):
    seq = []
    while len(seq) < n:
        r = rng.random()
        if r < 0.004:  # homopolymer run
            seq += [rng.choice("ACGT")] * rng.randint(6, 14)
        elif r < 0.006:  # short tandem repeat
            unit = "".join(rng.choice("ACGT") for _ in range(rng.randint(2, 4)))
            seq += list(unit * rng.randint(4, 9))
        else:
            seq.append(rng.choices("ACGT", weights=[29.5, 20.5, 20.5, 29.5])[0])
    return "".join(seq[:n])


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    records = []
    with open(f"{a.out}/ref.fa", "w") as fa, open(f"{a.out}/confident.bed", "w") as bed:
        for name, length in CONTIGS:
            s = make_sequence(rng, length)
            fa.write(f">{name}\n")
            for i in range(0, length, 60):
                fa.write(s[i:i + 60] + "\n")
            bed.write(f"{name}\t0\t{length}\n")
            pos = 200
            while True:
                pos += int(rng.expovariate(1 / 850)) + 11
                if pos >= length - 200:
                    break
                gt = rng.choice(["0|1", "1|0"]) if rng.random() < 0.6 else "1|1"
                ref = s[pos]
                if rng.random() < 0.85:
                    alt = rng.choice([b for b in "ACGT" if b != ref])
                elif rng.random() < 0.5:  # deletion of 1-8 bp (VCF anchors on the base before)
                    k = rng.randint(1, 8)
                    ref, alt = s[pos:pos + k + 1], s[pos]
                else:  # insertion of 1-8 bp
                    k = rng.randint(1, 8)
                    alt = s[pos] + "".join(rng.choice("ACGT") for _ in range(k))
                records.append((name, pos + 1, ref, alt, gt))
                pos += len(ref)
    with open(f"{a.out}/truth.vcf", "w") as v:
        v.write("##fileformat=VCFv4.2\n")
        for name, length in CONTIGS:
            v.write(f"##contig=<ID={name},length={length}>\n")
        v.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        v.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tDEMO\n")
        for name, pos, ref, alt, gt in records:
            v.write(f"{name}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t{gt}\n")


if __name__ == "__main__":
    main()
