#!/usr/bin/python3
"""Checks of a dvhpc gVCF (used by tests/cli/gvcf_cli.sh).

  gvcf_check.py cover GVCF BED       reference blocks + site records cover every base of the BED
                                     regions exactly once (blocks never overlap anything)
  gvcf_check.py truth GVCF AD_VCF N  no truth variant with >= N alt-supporting reads (AD from an
                                     independent `bcftools mpileup -a AD` at the truth sites) lies
                                     in a reference block of GQ >= 20
"""
import gzip
import sys


def records(path):
    with gzip.open(path, "rt") as f:
        for line in f:
            if not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def blocks_and_sites(path):
    blocks, sites = [], []
    for r in records(path):
        pos = int(r[1]) - 1
        if r[4] == "<*>":
            end = int(r[7].split("END=")[1].split(";")[0])
            gq = int(r[9].split(":")[1])
            blocks.append((r[0], pos, end, gq))
        else:
            sites.append((r[0], pos, pos + len(r[3])))
    return blocks, sites


def cover(gvcf, bed):
    blocks, sites = blocks_and_sites(gvcf)
    ok = True
    for line in open(bed):
        f = line.split()
        if not f:
            continue
        chrom, b, e = f[0], int(f[1]), int(f[2])
        depth = bytearray(e - b)
        over = 0
        for c, s, t in [(c, s, t) for c, s, t, _ in blocks] + sites:
            if c != chrom:
                continue
            for p in range(max(s, b), min(t, e)):
                depth[p - b] += 1
        # Site records may overlap each other (a deletion over a SNP); blocks never overlap anything.
        for c, s, t, _ in blocks:
            for p in range(max(s, b), min(t, e)):
                if depth[p - b] != 1:
                    over += 1
        uncovered = depth.count(0)
        print(f"  {chrom}:{b}-{e}: {len(blocks)} blocks, {len(sites)} site records, {uncovered} bases uncovered, "
              f"{over} block bases covered twice")
        ok = ok and uncovered == 0 and over == 0
    return ok


def truth(gvcf, ad_vcf, min_reads):
    blocks, _ = blocks_and_sites(gvcf)
    bad, checked = [], 0
    for r in records(ad_vcf):
        fmt = r[8].split(":")
        if "AD" not in fmt:
            continue
        ad = [int(x) for x in r[9].split(":")[fmt.index("AD")].split(",") if x != "."]
        alt_reads = sum(ad[1:])
        if alt_reads < min_reads:
            continue
        checked += 1
        pos = int(r[1]) - 1
        for c, s, t, gq in blocks:
            if c == r[0] and s <= pos < t and gq >= 20:
                bad.append(f"{r[0]}:{r[1]} ({alt_reads} alt reads) in a block of GQ {gq}")
    print(f"  {checked} truth sites with >= {min_reads} alt reads; {len(bad)} inside GQ >= 20 blocks")
    for b in bad[:10]:
        print("   ", b)
    return not bad


if __name__ == "__main__":
    if sys.argv[1] == "cover":
        sys.exit(0 if cover(sys.argv[2], sys.argv[3]) else 1)
    if sys.argv[1] == "truth":
        sys.exit(0 if truth(sys.argv[2], sys.argv[3], int(sys.argv[4])) else 1)
    sys.exit(__doc__)
