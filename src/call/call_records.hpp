// The call set of one shard: VCF text (non-reference sites only) and the
// rows of PREFIX.h5 (/calls, /genotypes, /probabilities).
#pragma once

#include <string>
#include <vector>

#include "candidate_records.hpp"
#include "dvhpc/genotype_call.hpp"

namespace dvhpc {

std::vector<std::string> call_vcf_header();

// Columns of PREFIX.h5 for this rank's variants (rows in genome order).
struct CallColumns {
  std::vector<std::string> contig, ref, alt;
  std::vector<int64_t> pos;
  std::vector<float> qual;
  std::vector<int8_t> genotypes;      // [variant, sample]: alt copies 0/1/2
  std::vector<float> probabilities;   // [variant, sample, 3]: P(0/1/2 alt copies)
  size_t size() const { return pos.size(); }
};

// Appends the shard's variant records (sites where some sample is not
// hom-ref) to `vcf` and `cols`. calls[s][i] is sample s at sites[i].
// Returns the number of variant records.
int64_t add_call_records(const std::vector<MergedSite>& sites,
                         const std::vector<std::vector<GenotypeCall>>& calls, std::string& vcf,
                         CallColumns& cols);

}  // namespace dvhpc
