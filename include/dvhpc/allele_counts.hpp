// Per-position allele counts over a window of the reference, as the
// counting kernel (kernels/allele_count.hpp) produces them.
//
// Two views of the same reads are kept, because two consumers need them:
//
//  * the pileup view (channels kFwdA..kRevDel): every aligned base with
//    quality >= min_base_quality, per strand, plus reads whose deletion spans
//    the position (a deletion takes the quality of the read base after it,
//    as in htslib's pileup). It is what `samtools mpileup -B -x -Q minBQ`
//    reports, and what the tests compare against.
//  * the allele view, DeepVariant's: each read gives
//    at most ONE allele per position. A base followed by an indel is not a
//    base allele there but the indel's anchor:
//
//        ref   A C G T - - A C          ref   A C G T A C
//        read  A C G T T T A C          read  A C G - - C
//                    ^ anchor of +TT              ^ anchor of -TA (len 2)
//
//    so at the anchor the read counts as one insertion (or deletion) allele,
//    keyed by position + inserted sequence (or + deletion length), not as
//    'T' / 'G'. Anchors are rare, so instead of a second full set of base
//    channels (a second scatter-add per base) the kernel counts the anchor
//    bases (kAnchorA..N: counted in the pileup view, but no base allele) and
//    indel alleles (kIndelAllele):
//      base allele b = fwd b + rev b - anchor b
//      total(p)      = sum of base alleles + indel alleles = reads with an allele.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/region.hpp"

namespace dvhpc {

enum CountChannel : int {
  kFwdA = 0, kFwdC, kFwdG, kFwdT, kFwdN,   // pileup view, forward strand
  kRevA, kRevC, kRevG, kRevT, kRevN,       // pileup view, reverse strand
  kFwdDel, kRevDel,                        // deletion spans this position
  kAnchorA, kAnchorC, kAnchorG, kAnchorT, kAnchorN,  // pileup bases that are no base allele
  kIndelAllele,                            // allele view: indel alleles anchored here
  kNumChannels
};

// One distinct indel allele: (anchor position, signed length, inserted
// bases). A 2-bp deletion is a different allele from a 1-bp one.
struct IndelAllele {
  int64_t pos = 0;       // 0-based anchor: the reference base before the event
  int32_t length = 0;    // > 0 insertion of `length` bases, < 0 deletion
  std::string inserted;  // the inserted bases (insertions only)
  int32_t count = 0;
  int32_t reverse_count = 0;
  bool is_deletion() const { return length < 0; }
};

// Host copy of the counts (tests, features, debugging).
struct AlleleCounts {
  Region window;                 // counts cover [window.begin, window.end)
  std::vector<int32_t> counts;   // (pos - window.begin) * kNumChannels + channel
  std::vector<IndelAllele> indels;

  int32_t at(int64_t pos, int channel) const {
    return counts[static_cast<size_t>(pos - window.begin) * kNumChannels + static_cast<size_t>(channel)];
  }
  // A, C, G, T, N on both strands (pileup view).
  int32_t base(int64_t pos, int code) const { return at(pos, kFwdA + code) + at(pos, kRevA + code); }
  // samtools mpileup's depth: bases passing min_base_quality + deletions.
  int32_t pileup_depth(int64_t pos) const;
  // Allele view: reads whose allele at pos is base `code`.
  int32_t allele_base(int64_t pos, int code) const { return base(pos, code) - at(pos, kAnchorA + code); }
  // DeepVariant's total: reads with an allele at pos.
  int32_t allele_total(int64_t pos) const;
};

}  // namespace dvhpc
