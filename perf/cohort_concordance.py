#!/usr/bin/python3
"""Genotype accuracy of a cohort VCF against the simulated multi-sample truth.

  cohort_concordance.py TRUTH.vcf.gz CALLS.vcf.gz

Every (truth site, sample) pair is scored by alternate-allele dosage (0, 1,
2; a site absent from the calls counts as 0/0, a missing call as wrong);
prints `nrc=… recall=… fp_sites=…`:
  nrc       non-reference concordance: pairs where truth or call is
            non-reference, fraction with equal dosage (the usual cohort metric)
  recall    truth non-reference genotypes called with the right dosage
  fp_sites  called sites (some sample non-reference) at no truth position
Sites are matched by position (the simulator plants one variant per site).
"""
import gzip
import sys


def dosage(gt):
    alleles = gt.replace("|", "/").split(":")[0].split("/")
    if any(a in (".", "") for a in alleles):
        return None
    return sum(a != "0" for a in alleles)


def load(path):
    samples, sites = [], {}
    with gzip.open(path, "rt") as f:
        for line in f:
            if line.startswith("##"):
                continue
            r = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                samples = r[9:]
                continue
            sites[(r[0], int(r[1]))] = [dosage(g) for g in r[9:]]
    return samples, sites


truth_samples, truth = load(sys.argv[1])
call_samples, calls = load(sys.argv[2])
col = {s: i for i, s in enumerate(call_samples)}
order = [col.get(s) for s in truth_samples]
both = agree = nonref_truth = nonref_right = 0
for key, t in truth.items():
    c = calls.get(key)
    for j, td in enumerate(t):
        cd = 0 if c is None or order[j] is None else c[order[j]]
        if td or cd:
            both += 1
            agree += td == cd
        if td:
            nonref_truth += 1
            nonref_right += td == cd
fp = sum(1 for k, c in calls.items() if k not in truth and any(d for d in c if d))
print(f"nrc={agree / max(both, 1):.5f} recall={nonref_right / max(nonref_truth, 1):.5f} fp_sites={fp}")
