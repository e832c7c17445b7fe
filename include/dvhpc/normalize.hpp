// Allele normalisation: one spelling per variant, so that two VCFs that
// write the same change differently (padding, multi-allelic records, MNPs,
// an indel placed anywhere in a repeat) compare equal on
// (contig, pos, ref, alt).
//
// The steps follow `bcftools norm -m -any -f ref` plus an MNP split:
//   1. trim the common suffix, then the common prefix (keeping one base);
//   2. left-align indels through repeats using the reference (the algorithm
//      of Tan, Abecasis & Kang 2015, "Unified representation of genetic
//      variants", which bcftools and vt implement);
//   3. split equal-length REF/ALT longer than one base (MNPs) into SNPs.
// Step 2 needs the reference; without one only steps 1 and 3 are done.
//
// Positions are 0-based (VCF POS - 1) and point at REF's first base.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc {

class Reference;

// Reduces (pos, ref, alt) to its minimal form: common suffix trimmed, then
// common prefix trimmed (keeping one base each), moving pos right. Used to
// compare alleles written against different REF spans (truth vs candidates).
// Does not left-align: see AlleleNormalizer for that.
void normalize_allele(int64_t& pos, std::string& ref, std::string& alt);

struct NormAllele {
  int64_t pos = 0;  // 0-based position of ref's first base
  std::string ref;
  std::string alt;
};

// Normalises biallelic (ref, alt) pairs, with or without a reference.
// Reference bases are read in cached blocks, so sorted input costs about one
// faidx read per block rather than one per record.
class AlleleNormalizer {
 public:
  // `ref` may be null: then no left-alignment and no REF check. The
  // Reference must outlive the normalizer.
  explicit AlleleNormalizer(const Reference* ref);

  bool has_reference() const { return ref_ != nullptr; }

  // The normalised allele(s) of one ref/alt pair: one for SNPs and indels,
  // one SNP per differing base for an MNP, none when ref == alt. Alleles
  // must be plain bases (symbolic alleles are the caller's business). When
  // REF disagrees with the reference (bcftools norm -c w) the pair is only
  // trimmed and split, and ref_mismatches() counts it. Throws Error(Input)
  // when `contig` is not in the reference.
  std::vector<NormAllele> normalize(const std::string& contig, int64_t pos, std::string ref,
                                    std::string alt);

  int64_t ref_mismatches() const { return ref_mismatches_; }
  // Alleles whose position changed by left-alignment (after trimming).
  int64_t left_shifted() const { return left_shifted_; }

 private:
  // Reference bases [begin, end) of `contig`, from the block cache.
  std::string bases(const std::string& contig, int64_t begin, int64_t end);
  void left_align(const std::string& contig, int64_t& pos, std::string& ref, std::string& alt);

  const Reference* ref_;
  std::string cache_contig_;
  int64_t cache_begin_ = 0;
  std::string cache_;
  int64_t ref_mismatches_ = 0;
  int64_t left_shifted_ = 0;
};

}  // namespace dvhpc
