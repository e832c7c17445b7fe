// Alignments behind local realignment: assembled haplotype -> reference,
// read -> haplotype, and their composition read -> reference.
//
//   reference   ACGTTGCA--TTGCAGG        hap_to_ref: per haplotype base, the
//   haplotype   ACGTTGCAGGTTG-AGG        reference position it sits on, or
//   read             TGCAGGTTG-A         -1 for bases the haplotype inserts
//
// A read aligned to the haplotype that carries its variant has nothing left
// to explain; composing that alignment with the haplotype's own alignment
// gives the read a CIGAR that spells the variant the way the haplotype does,
// the same way in every read. That is what makes counts consistent in
// repeats, where an aligner places the same indel anywhere along the repeat
// or spells it as mismatches and soft clips.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/realign.hpp"

namespace dvhpc::assembly {

// Costs of aligning a read to a haplotype (phred-like, lower is better): a
// mismatch costs the base's quality (capped), a gap opens at kGapOpen and
// grows kGapExtend per base, and leaving either end of the read unaligned
// (soft clip) costs like an insertion of those bases: clipping is free of
// mismatches, so without a per-base price a clip of most of the read would
// be as cheap as a clip of its junk tail. Mismatch and gap costs are the
// support realignment's (kernels/realign.hpp), so both realignments weigh a
// read's evidence alike.
constexpr int kReadGapOpen = kernels::kGapOpen;
constexpr int kReadGapExtend = kernels::kGapExtend;
constexpr int kReadMaxMismatch = kernels::kMaxMismatch;
constexpr int kReadClip = 40;
constexpr int kReadClipBase = 8;
inline int clip_cost(int64_t bases) { return bases > 0 ? kReadClip + kReadClipBase * static_cast<int>(bases) : 0; }

// Global alignment of a haplotype to the reference window it was assembled
// over (GATK's haplotype-to-reference scores: match 200, mismatch -150, gap
// open -260, extend -11), gaps placed leftmost. Returns, per haplotype base,
// ref_begin + the reference offset it is aligned to, or -1 if inserted.
std::vector<int64_t> align_haplotype(const std::string& hap, const std::string& ref, int64_t ref_begin);

// A read (base codes 0..4, phred qualities) aligned to a target sequence
// (base codes): all of the read is placed, either end may be clipped at
// clip_cost, the target's ends are free. `diag` is the expected target
// offset of the read's first base and `band` how far the alignment may stray
// from that diagonal (cells outside are not computed).
struct ReadAlignment {
  int cost = 0;
  int64_t target_begin = 0;    // first target base aligned
  std::vector<uint32_t> cigar; // read vs target, BAM encoding (M I D S)
};

// Reusable DP buffers (one per thread).
class BandedAligner {
 public:
  // False when the band does not fit the target (the read is left alone).
  bool align(const uint8_t* read, const uint8_t* qual, int m, const uint8_t* target, int n, int64_t diag, int band,
             ReadAlignment& out);

 private:
  std::vector<int> h_, e_, f_;  // best / read-gap / target-gap costs per cell
  std::vector<uint8_t> tb_;     // traceback codes per cell
};

// Composes a read -> target alignment with the target's placement on the
// reference (ref_of: reference position per target base, -1 = inserted):
// returns the read's new reference start and CIGAR (M I D S), with leading
// and trailing insertions turned into soft clips and deletions at the ends
// dropped. Returns false when no read base lands on a reference base.
bool compose(const ReadAlignment& aln, const std::vector<int64_t>& ref_of, int64_t& pos,
             std::vector<uint32_t>& cigar);

// Cost of an existing alignment (CIGAR at pos) under the read costs above,
// against ref (bases as chars, ref[0] at ref_begin). -1 if it leaves ref.
int alignment_cost(const uint8_t* read, const uint8_t* qual, const uint32_t* cigar, size_t n_cigar, int64_t pos,
                   const std::string& ref, int64_t ref_begin);

}  // namespace dvhpc::assembly
