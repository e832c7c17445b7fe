// The gVCF of one sample in one shard (DeepVariant/GATK style): a record at
// every genotyped site, with the symbolic allele <*> ("any other allele")
// added so that a joint genotyper can fill samples that lack an allele, and
// reference blocks (END, GQ, MIN_DP) over every other base of the shard's
// core, banded by GQ.
//
// Hom-ref confidence of a base comes from a likelihood model of its counts
// (n reads with a base or a deletion there, r of them the reference base):
//   0/0      every non-reference read is an error:  (1-e)^r e^(n-r)
//   0/x      an allele carried by a fraction f of reads, f in {0.2, 0.3,
//            0.4, 0.5} (hets and allele-fraction skew; the largest counts)
//   x/x      every reference read is an error:      e^r (1-e)^(n-r)
// with e = 0.01 (bases under candidates.min_base_quality are not counted)
// and the usual heterozygosity prior (0/x 1e-3, x/x 5e-4): GQ = -10 log10
// P(not 0/0 | counts), capped at 99. So 10 reference reads give GQ 39, one
// stray read among 30 GQ 43, and 3 reads of another allele at 30x GQ 16: a
// block's GQ is the phred chance that the block hides a variant this model
// would call.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "candidate_records.hpp"
#include "dvhpc/allele_counts.hpp"
#include "dvhpc/genotype_call.hpp"
#include "dvhpc/region.hpp"

namespace dvhpc {

struct HomRefConfidence {
  int gq = 0;                    // capped at 99
  std::array<int, 3> pl{0, 0, 0};  // 0/0, 0/x, x/x, phred relative to the best
};
// `top_other`: reads of the most frequent non-reference allele (a base, a
// deletion, or an indel anchored here). At 3 or more the GQ is at most 19:
// at high depth 3 reads of one allele are unlikely under a het, yet they are
// what a low-fraction or mis-mapped variant looks like, so such a base never
// sits in a confident block.
HomRefConfidence hom_ref_confidence(int depth, int ref_reads, int top_other = 0);

std::vector<std::string> gvcf_header();

// A block's PL is 0 for 0/0, its GQ for 0/<*> and at least that for
// <*>/<*>: it stands for every base of the block, so it says no more than
// the block's least confident base says for hom-ref (a base where a het was
// likelier has GQ 0 and makes the block uninformative, not a het).
// GQ values are banded by `band` below 20 (5: 0-4, 5-9, 10-14, 15-19) and
// form one band from 20 up: a block is a run of bases in the same band; its
// GQ and MIN_DP are the minimum over the run.
// `ref` holds the bases of `counts.window`; calls[i] is this sample at sites[i].
std::string gvcf_block(const Region& core, const std::string& ref, const AlleleCounts& counts,
                       const std::vector<MergedSite>& sites, const std::vector<GenotypeCall>& calls, size_t sample,
                       int band);

// Shards are formatted independently, so a deletion near the end of one
// shard can reach into the next, whose reference blocks then start under
// it. At assembly (call_outputs.cpp) the next shard's text is revised with
// `covered_to` (0-based, exclusive: the end of the earlier shards' last REF
// on the contig): a block that starts before it starts there instead (REF
// from `ref_base`), or goes if it ends before it; site records stay, as
// they do inside a deletion within one shard. Keeps every base covered once.
std::string gvcf_skip_covered(const std::string& text, int64_t covered_to,
                              const std::function<char(int64_t)>& ref_base);

}  // namespace dvhpc
