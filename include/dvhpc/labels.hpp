// Truth labels for examples: candidates are matched to a truth VCF inside a
// confident-regions BED, both sides normalised against the reference
// (left-aligned, trimmed), multi-allelic truth records split and MNPs split
// into SNPs, so a truth allele and a candidate allele written differently
// (other REF span, other place in a repeat) still meet.
//
//   truth  chr20 101 CAA C   1|0    -> left-aligned: (100, ACA?..) minimal del
//   cand   chr20 100 ACA A          -> same minimal (pos, ref, alt): dosage 1
//
// Label of an example (0 hom-ref, 1 het, 2 hom-alt) = how many truth
// haplotypes carry the queried alt (for an alt pair: either alt), capped at 2.
// A site whose REF span is not wholly inside the BED gets no label.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "dvhpc/candidates.hpp"
#include "dvhpc/example_query.hpp"
#include "dvhpc/reference.hpp"

namespace dvhpc {

// Left-aligns an indel against `ref` and trims it to its minimal form
// (normalize_allele). SNPs and complex alleles are only trimmed.
void left_align(const Reference& ref, const std::string& contig, int64_t& pos, std::string& r,
                std::string& a);

class TruthSet {
 public:
  // Reads `vcf` (htslib bcf_sr; first sample's GT) and `bed` restricted to
  // the contigs of `ref`. Throws Error(Input) naming the file.
  TruthSet(const std::string& vcf, const std::string& bed, const Reference& ref);

  // Is [pos, pos + length) of contig inside one confident interval?
  bool confident(const std::string& contig, int64_t pos, int64_t length) const;
  // Haplotypes (0..2) carrying the alt `alt` of `site`.
  int dosage(const Candidate& site, size_t alt) const;
  // The example's class: -1 when the site is not confident.
  int8_t label(const Candidate& site, const ExampleQuery& q) const;

  size_t size() const { return alleles_.size(); }

 private:
  using Key = std::tuple<std::string, int64_t, std::string, std::string>;
  void add(const std::string& contig, int64_t pos, std::string r, std::string a, int dosage);

  const Reference& ref_;
  std::map<Key, int> alleles_;
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> bed_;  // merged, sorted
};

}  // namespace dvhpc
