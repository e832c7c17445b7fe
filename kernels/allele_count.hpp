// Allele-counting kernels: a thread walks the CIGARs of a chunk of reads and
// scatter-adds into per-position count channels, and inserts its
// indel alleles into a device hash map keyed by (anchor, length, inserted
// sequence). See dvhpc/allele_counts.hpp for what the channels mean.
//
//   window.begin                                         window.end
//   |-------------------------------------------------------|
//        read 1  ========D========                (D: deletion spans)
//             read 2  =====^II=======             (^: anchor of the insertion)
//   positions outside the window are skipped, so a read may stick out.
//
// Scatter-add without paying for atomics everywhere: reads are cut into
// chunks (one work item each). A position that only one chunk's reads touch
// (the chunk's "exclusive" range, computed on the host from read starts and
// ends) takes a plain add; positions shared with another chunk take an
// atomic add. On CPUs a chunk is thousands of reads, so about 1% of adds are
// atomic; on GPUs a chunk is one read and every add is atomic. (Kokkos'
// ScatterView was tried: its per-thread copies of a 1 Mb x 18-channel array
// cost more to zero and sum than the counting itself.)
//
// Portable to CUDA: functors with KOKKOS_INLINE_FUNCTION, Views in a
// template memory space, no std:: containers, no virtual calls.
#pragma once

#include "dvhpc/cigar.hpp"
#include "kernels/types.hpp"

namespace dvhpc::kernels {

// The CIGAR codes live in the core (dvhpc/cigar.hpp); the kernels use them unqualified.
using namespace ::dvhpc::cigar;

// Upper bound of indel events in a batch (sizes the hash map): the number of
// I and D CIGAR ops. parallel_reduce over reads.
template <class M>
struct CountIndelOpsFunctor {
  ReadViews<M> reads;
  KOKKOS_INLINE_FUNCTION void operator()(const int64_t r, int64_t& sum) const {
    for (uint32_t k = reads.cigar_offset(r); k < reads.cigar_offset(r + 1); ++k) {
      const uint32_t op = reads.cigar(k) & 0xf;
      if (op == kOpI || op == kOpD) ++sum;
    }
  }
};

template <class Device>
struct AlleleCountFunctor {
  using M = typename Device::memory_space;
  ReadViews<M> reads;
  CountView<M> counts;
  IndelMap<Device> indels;
  I64View<M> excl_begin, excl_end;  // per chunk, window-relative exclusive range
  int64_t reads_per_chunk;
  int64_t win_begin;
  int64_t npos;
  int32_t min_bq;


  KOKKOS_INLINE_FUNCTION void add_indel(int64_t p, int32_t length, uint64_t hash, int64_t seq_off,
                                        bool rev) const {
    const IndelKey key{static_cast<int32_t>(p), length, hash};
    const auto res = indels.insert(key, IndelValue{0, 0, seq_off});
    if (res.failed()) return;  // host checks failed_insert() and reports
    IndelValue& v = indels.value_at(res.index());
    Kokkos::atomic_increment(&v.count);
    if (rev) Kokkos::atomic_increment(&v.reverse_count);
  }

  // Adds into (p, ch) for a read of chunk c.
  struct Adder {
    const CountView<M>& counts;
    int64_t lo, hi;
    KOKKOS_INLINE_FUNCTION void operator()(int64_t p, int ch) const {
      if (p >= lo && p < hi) counts(p, ch) += 1;
      else Kokkos::atomic_increment(&counts(p, ch));
    }
  };

  KOKKOS_INLINE_FUNCTION void operator()(const int64_t c) const {
    const Adder add{counts, excl_begin(c), excl_end(c)};
    const int64_t r_end = (c + 1) * reads_per_chunk < reads.size() ? (c + 1) * reads_per_chunk : reads.size();
    for (int64_t r = c * reads_per_chunk; r < r_end; ++r) count_read(r, add);
  }

  KOKKOS_INLINE_FUNCTION void count_read(const int64_t r, const Adder& acc) const {
    const bool rev = reads.reverse(r) != 0;
    const int strand = rev ? kRevA : kFwdA;
    const uint32_t c_end = reads.cigar_offset(r + 1);
    int64_t ref = reads.pos(r) - win_begin;  // window-relative reference position
    uint64_t q = reads.seq_offset(r);        // absolute offset into bases/quals
    for (uint32_t k = reads.cigar_offset(r); k < c_end; ++k) {
      const uint32_t op = reads.cigar(k) & 0xf;
      const int64_t len = reads.cigar(k) >> 4;
      if (consumes_both(op)) {
        const uint32_t next_op = k + 1 < c_end ? (reads.cigar(k + 1) & 0xf) : kOpS;
        const int64_t next_len = k + 1 < c_end ? (reads.cigar(k + 1) >> 4) : 0;
        // Only positions inside the window.
        const int64_t i0 = ref < 0 ? -ref : 0;
        const int64_t i1 = ref + len > npos ? npos - ref : len;
        for (int64_t i = i0; i < i1; ++i) {
          const int64_t p = ref + i;
          const uint8_t b = reads.bases(q + i);
          if (reads.quals(q + i) < min_bq) continue;
          acc(p, strand + b);
          if (i + 1 < len || (next_op != kOpI && next_op != kOpD)) continue;  // a base allele
          // The last base before an indel: not a base allele (anchor).
          acc(p, kAnchorA + b);
          if (next_op == kOpD) {
            acc(p, kIndelAllele);
            add_indel(p, -static_cast<int32_t>(next_len), 0, -1, rev);
          } else if (inserted_usable(q + len, next_len)) {
            acc(p, kIndelAllele);
            add_indel(p, static_cast<int32_t>(next_len), hash_bases(q + len, next_len),
                      static_cast<int64_t>(q + len), rev);
          }
          // an insertion with a low-quality or N base gives no allele here
        }
        ref += len;
        q += static_cast<uint64_t>(len);
      } else if (op == kOpD) {
        // Like samtools mpileup, a deletion span takes the quality of the
        // query base after it (none left: quality 0).
        const int32_t qual = q < reads.seq_offset(r + 1) ? reads.quals(q) : 0;
        const int ch = rev ? kRevDel : kFwdDel;
        if (qual >= min_bq)
          for (int64_t p = ref < 0 ? 0 : ref; p < ref + len && p < npos; ++p) acc(p, ch);
        ref += len;
      } else if (op == kOpN) {
        ref += len;
      } else if (op == kOpI || op == kOpS) {
        q += static_cast<uint64_t>(len);
      }  // H, P: consume nothing
    }
  }

  KOKKOS_INLINE_FUNCTION bool inserted_usable(uint64_t off, int64_t len) const {
    for (int64_t j = 0; j < len; ++j)
      if (reads.quals(off + j) < min_bq || reads.bases(off + j) > 3) return false;
    return true;
  }

  KOKKOS_INLINE_FUNCTION uint64_t hash_bases(uint64_t off, int64_t len) const {
    uint64_t h = 1469598103934665603ull;
    for (int64_t j = 0; j < len; ++j) h = (h ^ reads.bases(off + j)) * 1099511628211ull;
    return h | 1;  // never 0, which marks deletions
  }
};

}  // namespace dvhpc::kernels
