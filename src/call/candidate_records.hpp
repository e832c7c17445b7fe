// Candidate sites of several samples merged into one VCF text block.
#pragma once

#include <string>
#include <vector>

#include "dvhpc/candidates.hpp"

namespace dvhpc {

// VCF header lines (INFO/FORMAT) of the candidate VCF.
std::vector<std::string> candidate_vcf_header();

// Merges per-sample candidate lists (each sorted by position) into sites:
// at one position the longest REF wins and every ALT is rewritten against
// it (a SNP A>G under REF ACG becomes GCG). Per sample, FORMAT AD holds the
// reads of each allele where the allele passed the candidate thresholds in
// that sample and '.' where it did not; DP is the sample's allele total.
std::string candidate_vcf_block(const std::vector<std::vector<Candidate>>& per_sample);

}  // namespace dvhpc
