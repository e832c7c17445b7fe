// Candidate variant sites, as selected by the candidate kernel with the
// semantics of DeepVariant's very-sensitive caller:
//   SNP alt base   : count >= min_count and count / total >= snp_min_fraction
//   indel allele   : count >= min_count and count / total >= indel_min_fraction
// where total is the number of reads with an allele at the position (see
// allele_counts.hpp). Every passing allele is kept; alleles at one position
// are merged into one multi-allelic site in VCF form: REF is the longest
// deleted reference span, every ALT is written against that REF.
//
//   pos 99 (anchor 'A'), ref A C G T; alleles: SNP A>G, del of "CG", ins "T"
//   REF = ACG     ALTs = GCG, A, ATCG
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/config.hpp"
#include "dvhpc/normalize.hpp"  // normalize_allele, used with candidates

namespace dvhpc {

struct Candidate {
  std::string contig;
  int64_t pos = 0;                 // 0-based position of REF's first base
  std::string ref;
  std::vector<std::string> alts;
  std::vector<int32_t> alt_counts; // reads supporting each alt
  int32_t ref_count = 0;           // reads with the reference base as their allele
  int32_t total = 0;               // reads with any allele at pos

  // "chr20:10000123 A>G,AT" (1-based), for messages and tests.
  std::string to_string() const;
};

}  // namespace dvhpc
