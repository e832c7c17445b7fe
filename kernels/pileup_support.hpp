// Shared pieces of the pileup kernels (images and count features): the
// example batch in device Views, what a read carries at a position, and the
// functor that marks which reads carry the alt(s) an example asks about.
//
//   example e:  centre = site POS           entries entry_off(e)..entry_off(e+1)
//               alleles allele_off(e)..     -> entry_read(k): reads overlapping POS
//                                           -> entry_support(k): 0 neither,
//                                              1 carries a queried alt, 2 another alt,
//                                              3 cannot tell (realigned sites only)
//
// Same portability rules as allele_count.hpp: functors, template memory
// space, no std:: containers or virtual calls.
#pragma once

#include "kernels/allele_count.hpp"
#include "kernels/realign.hpp"
#include "kernels/types.hpp"

namespace dvhpc::kernels {

constexpr uint8_t kSupportUnknown = 3;

// Reads plus the per-read fields only the pileup kernels need.
template <class M>
struct PileupReadViews {
  ReadViews<M> reads;
  U8View<M> mapq;
  I32View<M> tlen;
};

template <class M>
struct ExampleViews {
  I64View<M> centre;          // per example: site POS (0-based, absolute)
  I64View<M> entry_off;       // n + 1
  I32View<M> entry_read;      // read index per entry
  U8View<M> entry_support;    // filled by SupportFunctor
  I32View<M> img_rows;        // n * max_reads: entry index per image read row, -1 = empty
  I64View<M> allele_off;      // n + 1
  I64View<M> allele_pos;      // minimal allele: SNP base / indel anchor
  I32View<M> allele_type;     // VariantType (0 SNP, 1 ins, 2 del, 3 complex: never matches)
  I32View<M> allele_len;
  I64View<M> allele_seq_off;  // into allele_seq (SNP base / inserted bases)
  U8View<M> allele_queried;   // 1 = the example asks about this alt
  U8View<M> allele_seq;       // base codes
  I64View<M> realign_begin;   // per example: realignment window (kernels/realign.hpp),
  I64View<M> realign_end;     //   -1 = judge reads by their CIGAR (sites without indels)
  U8View<M> ref;              // reference codes of [win_begin, win_begin + ref.extent(0))
  int64_t win_begin = 0;
  int64_t size() const { return static_cast<int64_t>(centre.extent(0)); }

  KOKKOS_INLINE_FUNCTION int ref_code(int64_t p) const {
    const int64_t i = p - win_begin;
    return i >= 0 && i < static_cast<int64_t>(ref.extent(0)) ? ref(i) : -1;
  }
};

// What read r carries at reference position p.
struct ReadAllele {
  int kind = -1;        // -1 does not cover p, 0 base, 1 base + insertion, 2 base + deletion, 3 in a deletion
  uint8_t base = 4;
  int32_t len = 0;      // indel length
  uint64_t ins_off = 0; // inserted bases (kind 1)
};

template <class M>
KOKKOS_INLINE_FUNCTION ReadAllele read_allele_at(const ReadViews<M>& reads, int64_t r, int64_t p) {
  ReadAllele a;
  int64_t rp = reads.pos(r);
  uint64_t q = reads.seq_offset(r);
  const uint32_t c_end = reads.cigar_offset(r + 1);
  for (uint32_t k = reads.cigar_offset(r); k < c_end && rp <= p; ++k) {
    const uint32_t op = reads.cigar(k) & 0xf;
    const int64_t len = reads.cigar(k) >> 4;
    if (consumes_both(op)) {
      if (p < rp + len) {
        const int64_t i = p - rp;
        a.kind = 0;
        a.base = reads.bases(q + static_cast<uint64_t>(i));
        if (i + 1 == len && k + 1 < c_end) {
          const uint32_t next = reads.cigar(k + 1) & 0xf;
          const int32_t next_len = static_cast<int32_t>(reads.cigar(k + 1) >> 4);
          if (next == kOpI) { a.kind = 1; a.len = next_len; a.ins_off = q + static_cast<uint64_t>(len); }
          if (next == kOpD) { a.kind = 2; a.len = next_len; }
        }
        return a;
      }
      rp += len;
      q += static_cast<uint64_t>(len);
    } else if (op == kOpD || op == kOpN) {
      if (p < rp + len) { if (op == kOpD) a.kind = 3; return a; }
      rp += len;
    } else if (op == kOpI || op == kOpS) {
      q += static_cast<uint64_t>(len);
    }
  }
  return a;
}

// entry_support(k) for every entry of every example: parallel over entries.
// Sites with an indel alt realign every read (kernels/realign.hpp); others
// read the allele off the CIGAR.
template <class M>
struct SupportFunctor {
  PileupReadViews<M> r;
  ExampleViews<M> ex;

  KOKKOS_INLINE_FUNCTION bool carries(int64_t read, int64_t al) const {
    const ReadAllele a = read_allele_at(r.reads, read, ex.allele_pos(al));
    const int type = ex.allele_type(al);
    if (type == 0) return a.kind == 0 && a.base == ex.allele_seq(ex.allele_seq_off(al));
    if (type == 2) return a.kind == 2 && a.len == ex.allele_len(al);
    if (type != 1 || a.kind != 1 || a.len != ex.allele_len(al)) return false;
    for (int32_t j = 0; j < a.len; ++j)
      if (r.reads.bases(a.ins_off + static_cast<uint64_t>(j)) != ex.allele_seq(ex.allele_seq_off(al) + j))
        return false;
    return true;
  }

  // Realignment cost of `read` to allele `al` (-1: the reference).
  KOKKOS_INLINE_FUNCTION int cost(int64_t al, int64_t w0, int64_t w1, uint64_t qb, uint64_t qe,
                                  uint8_t* hap) const {
    const int type = al < 0 ? -1 : ex.allele_type(al);
    if (type > 2) return kNoFit;
    const int64_t pos = al < 0 ? w0 : ex.allele_pos(al);
    const int32_t len = al < 0 ? 0 : ex.allele_len(al);
    const int64_t seq_off = al < 0 ? 0 : ex.allele_seq_off(al);
    const auto refc = [&](int64_t p) { return ex.ref_code(p); };
    const auto seq = [&](int64_t j) { return static_cast<int>(ex.allele_seq(seq_off + j)); };
    const int n = build_haplotype(refc, w0, w1, type, pos, len, seq, hap);
    return n < 0 ? kNoFit : align_cost(r.reads, qb, qe, hap, n);
  }

  // 0: fits the reference best, 1: fits a queried alt best, 2: fits another
  // alt best, 3: cannot tell (within the margin, or no bases in the window).
  // The image and feature kernels treat 3 like 0 (no alt support); AD
  // leaves those reads out.
  KOKKOS_INLINE_FUNCTION uint8_t realigned_support(int64_t e, int64_t read) const {
    const int64_t w0 = ex.realign_begin(e), w1 = ex.realign_end(e);
    uint64_t qb = 0, qe = 0;
    read_bases_in(r.reads, read, w0, w1, qb, qe);
    if (qb == qe) return kSupportUnknown;
    uint8_t hap[kMaxHaplotype];
    const int c_ref = cost(-1, w0, w1, qb, qe, hap);
    int c_queried = kNoFit, c_other = kNoFit;
    for (int64_t al = ex.allele_off(e); al < ex.allele_off(e + 1); ++al) {
      const int c = cost(al, w0, w1, qb, qe, hap);
      int& slot = ex.allele_queried(al) ? c_queried : c_other;
      slot = c < slot ? c : slot;
    }
    const int c_alt = c_queried < c_other ? c_queried : c_other;
    if (c_alt >= kNoFit || c_ref + kRealignMargin < c_alt) return 0;
    if (c_ref <= c_alt + kRealignMargin) return kSupportUnknown;
    return c_queried <= c_other ? 1 : 2;
  }

  // One work item per entry (read of an example): realignment makes an
  // entry cost thousands of DP cells, so entries, not examples, are the
  // unit of parallelism (about 35x more work items on a GPU).
  KOKKOS_INLINE_FUNCTION void operator()(const int64_t k) const {
    // The example owning entry k: entry_off is sorted.
    int64_t lo = 0, hi = static_cast<int64_t>(ex.entry_off.extent(0)) - 1;
    while (hi - lo > 1) {
      const int64_t mid = (lo + hi) / 2;
      if (ex.entry_off(mid) <= k) lo = mid;
      else hi = mid;
    }
    const int64_t e = lo;
    if (ex.realign_begin(e) >= 0) {
      ex.entry_support(k) = realigned_support(e, ex.entry_read(k));
      return;
    }
    uint8_t s = 0;
    for (int64_t al = ex.allele_off(e); al < ex.allele_off(e + 1) && s != 1; ++al)
      if (carries(ex.entry_read(k), al)) s = ex.allele_queried(al) ? 1 : 2;
    ex.entry_support(k) = s;
  }
};

// Reads per example by what they support (the realigned AD at indel
// sites): out(e, 0..2) = entries of e marked 0 (reference or neither),
// 1 (a queried alt), 2 (another alt). Reduced where the marks are, so only
// three counts per example go back to the host, not one byte per entry.
template <class M>
struct SupportTotalsFunctor {
  I64View<M> entry_off;
  U8View<M> entry_support;
  Kokkos::View<int32_t* [3], Kokkos::LayoutRight, M> out;
  KOKKOS_INLINE_FUNCTION void operator()(const int64_t e) const {
    int32_t c[3] = {0, 0, 0};
    for (int64_t k = entry_off(e); k < entry_off(e + 1); ++k) {
      const uint8_t v = entry_support(k);
      if (v < 3) ++c[v];
    }
    for (int j = 0; j < 3; ++j) out(e, j) = c[j];
  }
};

}  // namespace dvhpc::kernels
