// Haplotype-aware matching of what exact matching leaves over (like
// vcfeval's, with ploidy squashed): in repeats the same change can be
// written as different alleles (two adjacent 1 bp insertions or one 2 bp
// insertion plus a SNP), and exact matching counts each spelling as an FP
// and an FN. Unmatched truth and call alleles closer than kClusterGap bp
// form a cluster; when applying all of its truth alleles to the reference
// spells the same sequence as applying all of its call alleles, every
// allele of the cluster matches. Clusters with overlapping alleles on one
// side (e.g. 1/2 genotypes) are left unmatched: no guessing of phase.
#pragma once

#include <map>

#include "variant_set.hpp"

namespace dvhpc {
class Reference;
}

namespace dvhpc::eval_detail {

constexpr int64_t kClusterGap = 10;

struct HaplotypeMatches {
  std::map<VariantKey, bool> truth;  // matched truth allele -> zygosity agrees across its cluster
  std::map<VariantKey, bool> calls;  // matched call allele
};

HaplotypeMatches match_haplotypes(const VariantMap& truth, const VariantMap& calls, const Reference& ref);

}  // namespace dvhpc::eval_detail
