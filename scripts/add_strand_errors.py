#!/usr/bin/env python3
"""Adds strand-specific systematic sequencing errors to a simulated BAM, for
training: ART draws each read's errors independently, so errors never pile
up at one position and a model trained on ART reads has never seen the
systematic errors of real Illumina runs.

Real Illumina reads miscall the base that follows a homopolymer, in the
direction of sequencing, as one more copy of the homopolymer base (phasing
"run-on"; Nakamura et al. 2011, Nucleic Acids Res 39:e90, found GG motifs
the worst). Many reads at the same site carry the same error, all on one
strand, often at low base quality. NA12878 chr20:10.00-10.10 Mb shows it,
e.g. TTTTTTTT[G] read as T by 15 forward reads and no reverse read. A model
that has not seen it calls such sites heterozygous SNPs.

Sites: a position p whose read-direction predecessors are a run of base X
(length L >= --min-run) while p itself is not X; forward reads see the run
on p's left, reverse reads on its right. --sites-per-mb of them per contig
are drawn with weight L^2, times 4 for G runs in read direction (C runs on
the reference for reverse reads). Each site gets an error rate uniform in
[0.05, 0.6] of its strand's reads, and 30% of sites extend the run over two
bases. An affected read's base(s) become X; 70% of them get base quality
uniform in [2, 15], the rest keep theirs. Only bases equal to the reference
are edited (a real variant allele is left alone); alignments are unchanged,
NM grows with the edits and MD is dropped. Truth is unchanged: the sites are
hom-ref unless a planted variant is there.

  add_strand_errors.py --seed 21 ref.fa in.bam out.bam   (then samtools index)

Deterministic per seed, site and read name (and mate).
"""
import argparse
import bisect
import random
import zlib

import pysam

COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}
RATE_RANGE = (0.05, 0.6)   # fraction of one strand's reads, judged from the literature, not fitted
TWO_BASE = 0.3             # sites whose run-on covers two bases
LOW_BQ = 0.7               # edited bases given quality 2-15


def candidate_sites(seq, min_run):
    """[(pos, strand, run_base_on_reference, run_length)] over an upper-case sequence."""
    sites = []
    n = len(seq)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and seq[j + 1] == seq[i]:
            j += 1
        run, length = seq[i], j - i + 1
        if run in COMPLEMENT and length >= min_run:
            if j + 1 < n and seq[j + 1] in COMPLEMENT:      # forward reads: run, then p
                sites.append((j + 1, "+", run, length))
            if i > 0 and seq[i - 1] in COMPLEMENT:           # reverse reads: p, then run
                sites.append((i - 1, "-", run, length))
        i = j + 1
    return sites


def choose_sites(seq, rng, per_mb, min_run):
    """Weighted draw without replacement (Efraimidis-Spirakis keys). Density is
    per Mb of called bases: simulation references are N-padded contigs."""
    n = int(round(per_mb * (len(seq) - seq.count("N")) / 1e6))
    keyed = []
    for pos, strand, run, length in candidate_sites(seq, min_run):
        read_base = run if strand == "+" else COMPLEMENT[run]
        w = min(length, 12) ** 2 * (4 if read_base == "G" else 1)
        keyed.append((rng.random() ** (1.0 / w), pos, strand, run))
    keyed.sort(reverse=True)
    chosen = {"+": {}, "-": {}}
    for _, pos, strand, run in keyed[:n]:
        step = 1 if strand == "+" else -1
        span = [(pos, seq[pos])]
        nxt = pos + step
        if rng.random() < TWO_BASE and 0 <= nxt < len(seq) and seq[nxt] != run and seq[nxt] in COMPLEMENT:
            span.append((nxt, seq[nxt]))
        chosen[strand][pos] = (run, rng.uniform(*RATE_RANGE), span)
    return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--sites-per-mb", type=float, default=300.0)
    ap.add_argument("--min-run", type=int, default=2)
    ap.add_argument("ref")
    ap.add_argument("inp")
    ap.add_argument("out")
    a = ap.parse_args()
    if a.min_run < 1 or a.sites_per_mb < 0:
        ap.error("--min-run must be >= 1 and --sites-per-mb >= 0")

    pysam.set_verbosity(0)  # no "could not retrieve index" noise: the file is read in order
    fasta = pysam.FastaFile(a.ref)
    inp = pysam.AlignmentFile(a.inp)
    rng = random.Random(a.seed)
    sites, keys = {}, {}
    for contig in inp.references:
        if contig in fasta.references:
            sites[contig] = choose_sites(fasta.fetch(contig).upper(), rng, a.sites_per_mb, a.min_run)
            keys[contig] = {s: sorted(v) for s, v in sites[contig].items()}

    out = pysam.AlignmentFile(a.out, "wb", template=inp)
    reads = edited_reads = edited_bases = 0
    for r in inp.fetch(until_eof=True):
        reads += 1
        contig_sites = sites.get(r.reference_name) if not r.is_unmapped else None
        if contig_sites:
            strand = "-" if r.is_reverse else "+"
            at, pos_list = contig_sites[strand], keys[r.reference_name][strand]
            lo = bisect.bisect_left(pos_list, r.reference_start)
            hi = bisect.bisect_left(pos_list, r.reference_end)
            if lo < hi:
                n = edit_read(r, [pos_list[k] for k in range(lo, hi)], at, a.seed)
                edited_reads += n > 0
                edited_bases += n
        out.write(r)
    out.close()
    total = sum(len(s["+"]) + len(s["-"]) for s in sites.values())
    print(f"{reads} reads; {total} strand-error sites; {edited_bases} bases edited in {edited_reads} reads")


def edit_read(r, site_positions, at, seed):
    """Applies the sites overlapping read r; returns the number of bases edited."""
    q_of = {rp: qp for qp, rp in r.get_aligned_pairs(matches_only=True)}
    seq, qual = list(r.query_sequence), list(r.query_qualities)
    n = 0
    for pos in site_positions:
        run, rate, span = at[pos]
        draw = random.Random(zlib.crc32(f"{seed}:{pos}:{r.query_name}:{int(r.is_read1)}".encode()))
        if draw.random() >= rate:
            continue
        for p, ref_base in span:
            qp = q_of.get(p)
            if qp is None or seq[qp] != ref_base:
                continue
            seq[qp] = run
            if draw.random() < LOW_BQ:
                qual[qp] = draw.randint(2, 15)
            n += 1
    if n:
        r.query_sequence = "".join(seq)   # resets the qualities: set them after
        r.query_qualities = pysam.qualitystring_to_array("".join(chr(q + 33) for q in qual))
        if r.has_tag("NM"):
            r.set_tag("NM", r.get_tag("NM") + n)
        if r.has_tag("MD"):
            r.set_tag("MD", None)
    return n


if __name__ == "__main__":
    main()
