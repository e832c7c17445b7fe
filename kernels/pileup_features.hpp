// Pileup-count feature kernel: one work item per example accumulates its
// float [window, 18] block (channels: dvhpc/pileup_features.hpp) from the
// reads overlapping the site, then divides by their number. One thread owns
// one example's block, so no atomics.
#pragma once

#include "dvhpc/pileup_features.hpp"
#include "kernels/pileup_support.hpp"

namespace dvhpc::kernels {

template <class M>
using FeatureView = Kokkos::View<float***, Kokkos::LayoutRight, M>;  // [n, window, 18]

template <class M>
struct PileupFeatureFunctor {
  PileupReadViews<M> r;
  ExampleViews<M> ex;
  FeatureView<M> out;
  int32_t min_bq;

  KOKKOS_INLINE_FUNCTION void operator()(const int64_t e) const {
    const int64_t win = static_cast<int64_t>(out.extent(1));
    const int64_t left = ex.centre(e) - win / 2;
    const int64_t n = ex.entry_off(e + 1) - ex.entry_off(e);
    for (int64_t k = ex.entry_off(e); k < ex.entry_off(e + 1); ++k) {
      const int64_t rd = ex.entry_read(k);
      const int support = ex.entry_support(k);
      const bool rev = r.reads.reverse(rd) != 0;
      const float mq = static_cast<float>(r.mapq(rd) < 60 ? r.mapq(rd) : 60) / 60.0f;
      const ReadViews<M>& reads = r.reads;
      // Marks of a read covering window column x (base or deletion).
      auto cover = [&](int64_t x) {
        if (support == 1) out(e, x, rev ? kFeatRevAlt : kFeatFwdAlt) += 1.0f;
        if (support == 2) out(e, x, rev ? kFeatRevOtherAlt : kFeatFwdOtherAlt) += 1.0f;
        out(e, x, kFeatMapq) += mq;
      };
      int64_t rp = reads.pos(rd);
      uint64_t q = reads.seq_offset(rd);
      const uint32_t c_end = reads.cigar_offset(rd + 1);
      for (uint32_t c = reads.cigar_offset(rd); c < c_end && rp < left + win; ++c) {
        const uint32_t op = reads.cigar(c) & 0xf;
        const int64_t len = reads.cigar(c) >> 4;
        if (consumes_both(op)) {
          const bool ins_next = c + 1 < c_end && (reads.cigar(c + 1) & 0xf) == kOpI;
          for (int64_t i = 0; i < len; ++i) {
            const int64_t x = rp + i - left;
            if (x < 0 || x >= win) continue;
            cover(x);
            const int b = reads.bases(q + static_cast<uint64_t>(i));
            if (b < 4 && reads.quals(q + static_cast<uint64_t>(i)) >= min_bq) {
              out(e, x, (rev ? kFeatRevA : kFeatFwdA) + b) += 1.0f;
              if (b == ex.ref_code(rp + i)) out(e, x, kFeatRefMatch) += 1.0f;
            }
            if (ins_next && i + 1 == len) out(e, x, rev ? kFeatRevIns : kFeatFwdIns) += 1.0f;
          }
          rp += len;
          q += static_cast<uint64_t>(len);
        } else if (op == kOpD) {
          for (int64_t i = 0; i < len; ++i) {
            const int64_t x = rp + i - left;
            if (x < 0 || x >= win) continue;
            cover(x);
            out(e, x, rev ? kFeatRevDel : kFeatFwdDel) += 1.0f;
          }
          rp += len;
        } else if (op == kOpN) {
          rp += len;
        } else if (op == kOpI || op == kOpS) {
          q += static_cast<uint64_t>(len);
        }
      }
    }
    if (n == 0) return;
    const float inv = 1.0f / static_cast<float>(n);
    for (int64_t x = 0; x < win; ++x)
      for (int ch = 0; ch < kNumFeatureChannels; ++ch) out(e, x, ch) *= inv;
  }
};

}  // namespace dvhpc::kernels
