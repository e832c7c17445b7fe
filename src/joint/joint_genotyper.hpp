// Joint genotyping of one region from every sample's gVCF records
// (GLnexus-like):
//
//  1. sites: every position where some sample has a site record with a
//     called non-reference allele. Records starting at one position are
//     unified: the longest REF wins and every ALT is extended by the rest of
//     it (A>G under REF ACG becomes GCG), so the same allele is one allele in
//     every sample.
//  2. likelihoods: sample j at site s from its own record there, its PLs
//     mapped onto the unified alleles (an allele it lacks takes its <*> PLs);
//     else, when a site record of the sample starting before the site spans
//     it (a deletion), from that record's PLs projected onto the site: its
//     alleles that delete the site become the allele `*` (added to the
//     site's ALTs when some sample's called deletion spans it), the others
//     REF, its <*> the site's ALTs; else from the reference block covering
//     the site (0/0, 0/<*>, <*>/<*> PLs); else the sample is missing at the
//     site (no data, not hom-ref).
//  3. genotypes: allele frequencies by EM over the samples' likelihoods
//     under Hardy-Weinberg; each sample's genotype is the posterior mode
//     (GQ from its posterior); QUAL = -10 log10 P(every sample 0/0); INFO
//     AC, AN, AF and CR (call rate: samples with data / all).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gvcf_reader.hpp"

namespace dvhpc {

struct JointSite {
  std::string contig;
  int64_t pos = 0;  // 0-based
  std::string ref;
  std::vector<std::string> alts;
  double qual = 0;
  std::vector<int> a1, a2, gq;         // per sample (-1: missing)
  std::vector<std::vector<int>> pl;    // per sample, over the unified alleles (empty: missing)
  int ac_total() const;
};

// records[j]: sample j's records overlapping the region. Each site whose
// position lies in [region.begin, region.end) is handed to `emit` as soon as
// it is genotyped (in position order), so a region's sites x samples are
// never held at once.
void joint_genotype(const Region& region, const std::vector<SampleRecords>& records,
                    const std::function<void(const JointSite&)>& emit);
// The same, collected (tests).
std::vector<JointSite> joint_genotype(const Region& region, const std::vector<SampleRecords>& records);

// VCF header lines (INFO/FORMAT) of the joint VCF, and one site's record.
std::vector<std::string> joint_vcf_header();
std::string joint_vcf_record(const JointSite& s);

}  // namespace dvhpc
