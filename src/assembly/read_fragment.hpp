// A read cut to the part local realignment looks at.
//
// Realigning a whole read against a window's haplotypes costs its length
// times the band, and the band grows with the read's indels: for a 17 kb
// HiFi read that is millions of cells per haplotype per window, although
// only the few hundred bases near the window can fit one haplotype better
// than another. So the realigner works on the read's bases over the window
// plus a constant reference flank (as the support realigner of
// kernels/realign.hpp does) and splices the new alignment of that fragment
// back between the untouched parts of the old one:
//
//   read (aligned)   ==========[----- fragment -----]==========
//   reference            a = window begin - flank     b = window end + flank
//
// An end of the fragment inside the read is anchored: the new alignment must
// begin (end) on the same reference base as the old one there, so the
// pieces join. An end that is the read's own end (short reads: always both)
// is free: the new alignment may move it or soft-clip there, exactly as a
// whole-read realignment would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dvhpc::assembly {

struct ReadFragment {
  uint32_t qb = 0, qe = 0;  // read bases [qb, qe) are realigned
  int64_t pos = 0, end = 0; // reference span of the old alignment of those bases (first / past last aligned base)
  bool left_free = true, right_free = true;
  std::vector<uint32_t> cigar;  // the old alignment of the fragment (may begin / end with S on a free end)
};

// Cuts the read aligned at `pos` with `cigar` (n ops, m bases) to reference
// [a, b): bases aligned there, and clipped bases that would lie there. False
// when no aligned base lies in [a, b) (the read is left alone).
bool cut_fragment(const uint32_t* cigar, size_t n, int64_t pos, int64_t a, int64_t b, ReadFragment& out);

// Whether a new alignment of the fragment (starting at new_pos) joins the
// parts outside it: it starts at f.pos without a clip when the left end is
// anchored, and ends at f.end without a clip when the right end is.
bool joins(const ReadFragment& f, int64_t new_pos, const std::vector<uint32_t>& new_cigar);

// Replaces read bases [qb, qe) of the alignment (pos, cigar) by a new
// alignment of them (frag_pos, frag_cigar), in place. The ops before base qb
// (and deletions right before it) and after base qe - 1 are kept; `pos`
// changes only when qb is inside the leading clip (a free left end).
void splice_fragment(int64_t& pos, std::vector<uint32_t>& cigar, uint32_t qb, uint32_t qe, bool left_free,
                     int64_t frag_pos, const std::vector<uint32_t>& frag_cigar);

}  // namespace dvhpc::assembly
