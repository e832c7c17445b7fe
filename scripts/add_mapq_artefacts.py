#!/usr/bin/env python3
"""Gives a simulated BAM the mapping qualities of real segmental duplications,
for training: ART + bwa on a small reference map almost every read at MAPQ
60, so the pileup images' MAPQ channel never carries information and a model
cannot learn what real callers use it for.

In real data (NA12878 chr20:10.0-10.1 Mb, 5% of reads below MAPQ 60), reads
from a paralogous copy land on the other copy with low MAPQ, and their
differences look like heterozygous SNPs whose alt reads are nearly all low
MAPQ while the reference reads are MAPQ 60. Genuine reads in segmental
duplications are low MAPQ too, on both alleles. Two edits teach the
difference:

  * reads from diverged copies (names starting "paralog", from
    scripts/add_paralogs.py via make_sim_bam.sh PARALOG_COVERAGE): with
    probability --paralog-low their MAPQ becomes uniform in [0, 40]
    (a copy the reference has); the rest keep bwa's (a copy it lacks);
  * genuine reads in --segdups-per-mb random segments of 1-5 kb: with
    probability --segdup-low their MAPQ becomes uniform in [10, 40],
    whatever allele they carry (variants there stay variants).

  add_mapq_artefacts.py --seed 11 in.bam out.bam   (then samtools index)

Deterministic per seed and read name (both mates of a pair are drawn
independently, as bwa scores them). Truth is unchanged.
"""
import argparse
import random
import zlib

import pysam


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--paralog-low", type=float, default=0.7)
    ap.add_argument("--segdups-per-mb", type=float, default=10.0)
    ap.add_argument("--segdup-low", type=float, default=0.5)
    ap.add_argument("inp")
    ap.add_argument("out")
    a = ap.parse_args()
    for name, p in (("--paralog-low", a.paralog_low), ("--segdup-low", a.segdup_low)):
        if not 0.0 <= p <= 1.0:
            ap.error(f"{name} must be in [0, 1], not {p}")

    pysam.set_verbosity(0)  # no "could not retrieve index" noise: the file is read in order
    inp = pysam.AlignmentFile(a.inp)
    rng = random.Random(a.seed)
    segdups = {}  # contig -> sorted list of (start, end)
    for contig, length in zip(inp.references, inp.lengths):
        n = int(round(a.segdups_per_mb * length / 1e6))
        segs = []
        for _ in range(n):
            seg_len = rng.randint(1000, 5000)
            start = rng.randint(0, max(0, length - seg_len))
            segs.append((start, start + seg_len))
        segdups[contig] = sorted(segs)

    out = pysam.AlignmentFile(a.out, "wb", template=inp)
    changed = {"paralog": 0, "segdup": 0, "reads": 0}
    for r in inp.fetch(until_eof=True):
        changed["reads"] += 1
        if not r.is_unmapped:
            key = zlib.crc32(f"{a.seed}:{r.query_name}:{int(r.is_read1)}".encode())
            draw = random.Random(key)
            if r.query_name.startswith("paralog"):
                if draw.random() < a.paralog_low:
                    r.mapping_quality = draw.randint(0, 40)
                    changed["paralog"] += 1
            elif any(s <= r.reference_start < e for s, e in segdups.get(r.reference_name, ())):
                if draw.random() < a.segdup_low:
                    r.mapping_quality = draw.randint(10, 40)
                    changed["segdup"] += 1
        out.write(r)
    out.close()
    segs = sum(len(v) for v in segdups.values())
    print(f"{changed['reads']} reads; MAPQ lowered for {changed['paralog']} paralog reads and "
          f"{changed['segdup']} reads in {segs} segmental-duplication stand-ins")


if __name__ == "__main__":
    main()
