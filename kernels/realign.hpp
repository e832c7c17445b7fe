// Read-vs-haplotype realignment at indel sites: which allele does a read
// really carry? The CIGAR alone answers badly in repeats. An aligner places
// an indel anywhere along a homopolymer or STR, soft-clips a long insertion,
// or spells a read that ends inside the repeat with mismatches. So at sites
// with an indel alt every read's bases over a window around the site are
// aligned again, to the reference haplotype and to one haplotype per alt,
// and the read supports the allele it fits best by a clear margin
// (bcftools' and GATK's idea, with a plain affine-gap DP instead of a pair HMM).
//
//   window [w0, w1): the site's alleles plus the tandem repeat around them
//   (host: realign_window in pileup_builder.cpp) plus a unique flank.
//
//   ref hap   ....ACAGAGAGAG|TC....          read bases in the window,
//   alt hap   ....ACAGAGAGAGAG|TC..   <--    soft clips included, aligned
//                                            semi-globally (hap ends free)
//
// A read that ends inside the repeat fits both equally and supports neither.
// Costs are phred-like: a mismatch costs its base quality (capped at 40), a
// gap 40 to open plus 8 per base (GATK's defaults are Q45 / Q10).
#pragma once

#include "kernels/allele_count.hpp"
#include "kernels/types.hpp"

namespace dvhpc::kernels {

constexpr int kMaxHaplotype = 400;   // longest haplotype / read fragment realigned
constexpr int kGapOpen = 40;
constexpr int kGapExtend = 8;
constexpr int kMaxMismatch = 40;
constexpr int kRealignMargin = 10;   // a read supports an allele only if it beats the others by this
constexpr int kNoFit = 1 << 28;      // cost of an allele that cannot be realigned

// The bases of one read that fall on reference positions [w0, w1): query
// offsets [qb, qe), counted from q0 (the offset of the read's first base).
// `cigar(k)` for k in [k0, k1) gives the read's CIGAR ops (a View, or
// HostCigar over a plain array). Soft-clipped bases count at the positions
// they would have had unclipped; inserted bases belong with the next base.
// qb == qe when the read has none.
template <class Cigar>
KOKKOS_INLINE_FUNCTION void query_span(const Cigar& cigar, uint32_t k0, uint32_t k1, int64_t pos, uint64_t q0,
                                       int64_t w0, int64_t w1, uint64_t& qb, uint64_t& qe) {
  qb = ~uint64_t(0);
  qe = 0;
  int64_t rp = pos;
  uint64_t q = q0;
  bool aligned = false;  // an M/I/D op seen: a later S is a trailing clip
  auto extend = [&](uint64_t lo, uint64_t hi) {
    if (lo < qb) qb = lo;
    if (hi > qe) qe = hi;
  };
  auto take = [&](int64_t first_pos, int64_t len) {  // bases q.. at positions first_pos..
    const int64_t lo = w0 - first_pos > 0 ? w0 - first_pos : 0;
    const int64_t hi = w1 - first_pos < len ? w1 - first_pos : len;
    if (lo < hi) extend(q + static_cast<uint64_t>(lo), q + static_cast<uint64_t>(hi));
  };
  for (uint32_t k = k0; k < k1; ++k) {
    const uint32_t op = cigar(k) & 0xf;
    const int64_t len = cigar(k) >> 4;
    if (consumes_both(op)) {
      take(rp, len);
      rp += len;
      q += static_cast<uint64_t>(len);
      aligned = true;
    } else if (op == kOpD || op == kOpN) {
      rp += len;
      aligned = true;
    } else if (op == kOpI) {
      if (rp > w0 && rp < w1) extend(q, q + static_cast<uint64_t>(len));
      q += static_cast<uint64_t>(len);
      aligned = true;
    } else if (op == kOpS) {
      take(aligned ? rp : rp - len, len);
      q += static_cast<uint64_t>(len);
    }
  }
  if (qb > qe) qb = qe;
}

// A host array of CIGAR ops seen through the accessor query_span expects.
// Host and device annotated like query_span itself, although only host
// code uses it (local assembly): nvcc checks a host-device template's body
// for every instantiation, and a host-only call there is an error in the
// CUDA build (#20014, cmake/DvhpcKokkosCuda.cmake).
struct HostCigar {
  const uint32_t* ops;
  KOKKOS_INLINE_FUNCTION uint32_t operator()(uint32_t k) const { return ops[k]; }
};

// query_span for read r of a batch on Views: offsets into reads.bases.
template <class M>
KOKKOS_INLINE_FUNCTION void read_bases_in(const ReadViews<M>& reads, int64_t r, int64_t w0, int64_t w1,
                                          uint64_t& qb, uint64_t& qe) {
  query_span(reads.cigar, reads.cigar_offset(r), reads.cigar_offset(r + 1), reads.pos(r), reads.seq_offset(r), w0,
             w1, qb, qe);
}

// Minimal allele applied to the reference over [w0, w1): type -1 is the
// reference itself, 0 a SNP at pos, 1 an insertion of seq after anchor pos,
// 2 a deletion of len bases after anchor pos. Returns the haplotype length
// (-1 if it does not fit in kMaxHaplotype or the allele is not in the window).
template <class Ref, class Seq>
KOKKOS_INLINE_FUNCTION int build_haplotype(const Ref& ref_code, int64_t w0, int64_t w1, int type, int64_t pos,
                                           int32_t len, const Seq& seq, uint8_t* hap) {
  const int64_t a = pos - w0;  // anchor / SNP index in the window
  const int64_t wn = w1 - w0;
  if (type >= 0 && (a < 0 || a >= wn || (type == 2 && a + 1 + len > wn))) return -1;
  const int64_t n = type == 1 ? wn + len : type == 2 ? wn - len : wn;
  if (n > kMaxHaplotype || n <= 0) return -1;
  for (int64_t j = 0; j < n; ++j) {
    int64_t src = j;
    int code = -1;
    if (type == 0 && j == a) code = seq(0);
    if (type == 1 && j > a) {
      if (j <= a + len) code = seq(j - a - 1);
      else src = j - len;
    }
    if (type == 2 && j > a) src = j + len;
    if (code < 0) code = ref_code(w0 + src);
    hap[j] = static_cast<uint8_t>(code < 0 ? 4 : code);
  }
  return static_cast<int>(n);
}

// Semi-global affine-gap alignment cost of read bases [qb, qe) against
// hap[0, n): every read base is aligned, the haplotype's ends are free.
template <class M>
KOKKOS_INLINE_FUNCTION int align_cost(const ReadViews<M>& reads, uint64_t qb, uint64_t qe, const uint8_t* hap,
                                      int n) {
  int best[kMaxHaplotype + 1];  // best cost ending at (row, j)
  int ins[kMaxHaplotype + 1];   // ... with the read base in an insertion (hap not consumed)
  for (int j = 0; j <= n; ++j) { best[j] = 0; ins[j] = kNoFit; }
  int row = 0;
  for (uint64_t q = qb; q < qe; ++q) {
    ++row;
    const int rb = reads.bases(q);
    const int bq = reads.quals(q);
    const int mm = bq < kMaxMismatch ? (bq > 2 ? bq : 2) : kMaxMismatch;
    int diag = best[0];
    best[0] = kGapOpen + row * kGapExtend;
    ins[0] = best[0];
    int del = kNoFit;  // hap base not in the read, running along the row
    for (int j = 1; j <= n; ++j) {
      const int hb = hap[j - 1];
      const int match = diag + ((rb == hb || rb > 3 || hb > 3) ? 0 : mm);
      const int in = (ins[j] + kGapExtend) < (best[j] + kGapOpen + kGapExtend) ? ins[j] + kGapExtend
                                                                             : best[j] + kGapOpen + kGapExtend;
      del = (del + kGapExtend) < (best[j - 1] + kGapOpen + kGapExtend) ? del + kGapExtend
                                                                       : best[j - 1] + kGapOpen + kGapExtend;
      diag = best[j];
      int b = match < in ? match : in;
      if (del < b) b = del;
      best[j] = b;
      ins[j] = in;
    }
  }
  int m = kNoFit;
  for (int j = 0; j <= n; ++j) m = best[j] < m ? best[j] : m;
  return m;
}

}  // namespace dvhpc::kernels
