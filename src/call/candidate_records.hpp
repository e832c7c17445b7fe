// Candidate sites of several samples merged into one set of sites, and the
// VCF text of the candidate stage.
#pragma once

#include <string>
#include <vector>

#include "dvhpc/candidates.hpp"

namespace dvhpc {

// One site of the union over samples. At one position the longest REF wins
// and every ALT is rewritten against it (a SNP A>G under REF ACG becomes
// GCG). `site` carries the summed counts; per_sample[s] is sample s's own
// candidate at this position (null when it had none) and alt_index[s][k]
// the index in site.alts of that candidate's k-th alt.
struct MergedSite {
  Candidate site;
  std::vector<const Candidate*> per_sample;
  std::vector<std::vector<size_t>> alt_index;
};

// Per-sample candidate lists (each sorted by position, one contig) -> sites
// sorted by position. Pointers refer into `per_sample`.
std::vector<MergedSite> merge_sites(const std::vector<std::vector<Candidate>>& per_sample);

// FORMAT AD and DP of sample s: reads of REF and each ALT where the allele
// passed the candidate thresholds in that sample, '.' where it did not.
std::string sample_ad(const MergedSite& m, size_t s);
std::string sample_dp(const MergedSite& m, size_t s);

// VCF header lines (INFO/FORMAT) of the candidate VCF.
std::vector<std::string> candidate_vcf_header();

// The candidate VCF records (AD:DP per sample, no genotypes) of merged sites.
std::string candidate_vcf_block(const std::vector<MergedSite>& sites);

}  // namespace dvhpc
