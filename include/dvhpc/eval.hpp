// `dvhpc eval`: scores a call set against a truth VCF, like hap.py's summary,
// with exact allele matching and, optionally, haplotype-aware matching of
// what is left (eval.match: haplotype).
//
// Semantics, applied identically to truth and calls unless stated:
//  * Sample: the first sample column of each VCF; its GT decides which ALT
//    alleles the record carries. A VCF without samples is an input error.
//  * Skipped records: GT with no ALT allele (0/0, 0/., ./., GT missing).
//    On the calls side also records whose FILTER is neither PASS nor '.'
//    (counted and reported; the "ALL" rows still include them, the "PASS"
//    rows do not). Truth FILTER is not looked at.
//  * Alleles: a record is split into one biallelic allele per ALT its GT
//    carries. ALT '*', '<*>', '<NON_REF>' and '.' are not variants and are
//    dropped. Other symbolic or breakend ALTs ("<DEL>", "A[chr2:5[") are kept
//    verbatim and typed OTHER.
//  * Normalisation (normalize.hpp): trim, left-align indels against the
//    reference (only with --ref; the output says when it was not done), split
//    MNPs into SNPs. REF not matching the reference: trimmed only, counted.
//  * BED (optional, 0-based half-open): an allele is kept when its
//    normalised position (0-based position of the first REF base, i.e. VCF
//    POS - 1 after normalisation; the anchor base of an indel) lies in an
//    interval: begin <= pos < end. Testing after normalisation makes the
//    decision independent of how each VCF spelled the variant.
//  * Matching: on (CHROM, POS, REF, ALT) after normalisation. Duplicate keys
//    on one side (e.g. an MNP split overlapping a SNP record) count once.
//    With eval.match: haplotype (needs --ref), alleles left unmatched are
//    then matched by cluster when both sides spell the same sequence
//    (src/eval/haplotype_match.hpp); the default is exact matching only.
//  * Types: SNP (1 base -> 1 base, MNPs after the split), INDEL (REF and
//    ALT lengths differ, including complex replacements such as AC -> TGG,
//    as hap.py counts them), OTHER (symbolic/breakend; a row only if any).
//  * Genotype: an allele is HOM when every GT allele of the sample is that
//    ALT (1/1, haploid 1), HET otherwise (0/1, 1/2, ./1). TP.GT counts TPs
//    whose zygosity agrees.
//  * Metrics: recall = TP/(TP+FN), precision = TP/(TP+FP), F1 their
//    harmonic mean; NaN when the denominator is zero.
//  * Contig names: when a contig of the calls, BED or truth is missing from
//    the other side but exists there with/without a "chr" prefix, eval stops
//    with an Error naming both files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc {

struct RunContext;

struct EvalInputs {
  std::string truth_vcf;  // required
  std::string calls_vcf;  // required
  std::string bed;        // optional confident regions
  std::string reference;  // optional FASTA; enables left-alignment
  bool haplotype_match = false;  // also match clusters that spell the same haplotype (needs reference)
};

enum class VariantType { SNP, INDEL, OTHER };
const char* variant_type_name(VariantType t);

// One row of the summary table.
struct EvalRow {
  VariantType type = VariantType::SNP;
  std::string filter;  // "ALL" (every call) or "PASS" (FILTER PASS or '.')
  int64_t truth_total = 0, tp = 0, fn = 0, query_total = 0, fp = 0, tp_gt = 0;
  double recall() const;
  double precision() const;
  double f1() const;
};

// What was read and dropped on one side, for the notes under the table.
struct EvalSideStats {
  int64_t records = 0;       // records read
  int64_t no_alt = 0;        // skipped: GT carries no ALT
  int64_t filtered = 0;      // calls only: FILTER not PASS/'.' (excluded from PASS rows)
  int64_t non_variant = 0;   // ALT alleles '*', '<*>', '<NON_REF>', '.' dropped
  int64_t outside_bed = 0;   // normalised alleles outside the BED
  int64_t ref_mismatch = 0;  // REF differs from the reference (not left-aligned)
  int64_t left_shifted = 0;  // alleles moved by left-alignment
  int64_t duplicates = 0;    // normalised alleles seen twice
};

// One allele that did not match: a truth allele missing from the calls (FN)
// or a called allele missing from the truth (FP), as normalised.
struct EvalError {
  std::string status;  // "FN" or "FP"
  VariantType type = VariantType::SNP;
  std::string contig;
  int64_t pos = 0;     // 1-based, normalised
  std::string ref, alt;
  bool hom = false;    // zygosity on its own side
  bool pass = true;    // FP only: the call's FILTER is PASS or '.'
};

struct EvalResult {
  std::vector<EvalRow> rows;  // SNP ALL, SNP PASS, INDEL ALL, INDEL PASS, [OTHER ...]
  std::vector<EvalError> errors;  // every FN and FP of the ALL rows, in genome order
  EvalSideStats truth, calls;
  bool left_aligned = false;  // false when no reference was given
  bool haplotype_match = false;
  bool bed_used = false;
};

// Reads, normalises and compares. Throws Error(Input) naming the file for
// unreadable inputs, VCFs without samples, and contig naming mismatches.
EvalResult evaluate(const EvalInputs& in);

// The hap.py-like table with aligned columns, then "# " note lines.
std::string format_eval_table(const EvalResult& r);
// The same rows as CSV with a header line (no notes).
std::string format_eval_csv(const EvalResult& r);
// Every FN and FP as tab-separated lines with a header (PREFIX.eval.errors.tsv).
std::string format_eval_errors(const EvalResult& r);

}  // namespace dvhpc
