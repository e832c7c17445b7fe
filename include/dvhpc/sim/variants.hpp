// The variants planted in a simulated diploid genome, and where they come from:
// drawn at random per span (SNP and indel rates) or taken from a VCF.
//
// Variants never overlap and never touch: each one is followed by at least
// one unchanged reference base, and a span's variants end before the span
// does, so spans drawn independently (one per rank) never collide.
// Indels are left-aligned, as a normalised truth set must be.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/sim/rng.hpp"

namespace dvhpc::sim {

struct SimVariant {
  int64_t pos = 0;                // 0-based position of the first REF base
  std::string ref;                // REF allele (upper-case ACGT)
  std::vector<std::string> alts;  // ALT alleles
  std::array<int, 2> gt = {0, 0}; // allele index on haplotype 0 and 1 (phased)

  int64_t ref_end() const { return pos + static_cast<int64_t>(ref.size()); }
  const std::string& allele(int hap) const { return gt[hap] == 0 ? ref : alts[gt[hap] - 1]; }
  bool is_snp() const;
};

struct MutationRates {
  double snp_rate = 1e-3;
  double indel_rate = 1e-4;
  double het_fraction = 0.6;
};

// Random variants with POS in [begin, end). `seq` holds reference bases of
// [seq_begin, seq_begin + seq.size()) and must cover [begin, end + 11).
// Indel lengths are 1..10, geometric; about half the indels are placed in a
// nearby homopolymer run (where real indels concentrate) as a change of its
// length. Sites with a non-ACGT base are skipped.
std::vector<SimVariant> plant_variants(const std::string& seq, int64_t seq_begin, int64_t begin,
                                       int64_t end, const MutationRates& rates, SimRng& rng);

// Variants of a VCF, loaded once and served per span.
class VcfVariantSource {
 public:
  // Reads every record (plain or bgzipped VCF/BCF). Genotypes come from the
  // first sample (unphased ones are taken in the listed order); without
  // samples a genotype is drawn with `het_fraction` from `seed`. Records
  // with symbolic or non-ACGT alleles, or a hom-ref or missing genotype,
  // are dropped (counted in dropped()).
  VcfVariantSource(const std::string& path, double het_fraction, uint64_t seed);
  // The variants with POS in [begin, end) of `contig` that end before `end`,
  // without overlaps (a record overlapping the one kept before it is
  // dropped). `seq` (reference bases from seq_begin) checks each REF:
  // a mismatch throws Error(Input), as the VCF is then for another reference.
  std::vector<SimVariant> in_span(const std::string& contig, int64_t begin, int64_t end,
                                  const std::string& seq, int64_t seq_begin) const;
  int64_t dropped() const { return dropped_; }

 private:
  std::string path_;
  std::vector<std::string> contigs_;  // index = contig id used below
  std::vector<std::pair<int, SimVariant>> records_;  // sorted by (contig id, pos)
  int64_t dropped_ = 0;
};

// VCF data lines (CHROM POS ID REF ALT QUAL FILTER INFO FORMAT SAMPLE) with phased GTs.
std::string truth_vcf_text(const std::string& contig, const std::vector<SimVariant>& vars);
std::vector<std::string> truth_vcf_header_lines();

}  // namespace dvhpc::sim
