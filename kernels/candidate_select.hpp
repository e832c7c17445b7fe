// Candidate selection kernels (DeepVariant very-sensitive caller semantics,
// see dvhpc/candidates.hpp). SNPs: a scan over positions sizes the output,
// then a fill writes (pos, alt base, count). Indels: one pass over the hash
// map slots appends passing entries with an atomic cursor.
#pragma once

#include "kernels/types.hpp"

namespace dvhpc::kernels {

struct Thresholds {
  int32_t min_count;
  double snp_fraction;
  double indel_fraction;
};

// Allele view (see dvhpc/allele_counts.hpp): base allele b at p.
// (Templated on the view type so host mirrors work too.)
template <class V>
KOKKOS_INLINE_FUNCTION int32_t allele_base(const V& c, int64_t p, int b) {
  return c(p, kFwdA + b) + c(p, kRevA + b) - c(p, kAnchorA + b);
}

template <class V>
KOKKOS_INLINE_FUNCTION int32_t allele_total(const V& c, int64_t p) {
  int32_t t = c(p, kIndelAllele);
  for (int b = 0; b < 5; ++b) t += allele_base(c, p, b);
  return t;
}

KOKKOS_INLINE_FUNCTION bool passes(int32_t count, int32_t total, int32_t min_count, double fraction) {
  return count >= min_count && total > 0 && static_cast<double>(count) >= fraction * total;
}

// Number of passing SNP alts per core position; exclusive scan into offsets.
template <class M>
struct SnpScanFunctor {
  CountView<M> counts;
  U8View<M> ref_codes;     // window reference as base codes
  I64View<M> offsets;      // size ncore + 1
  int64_t core_off;        // first core position, window-relative
  Thresholds t;

  KOKKOS_INLINE_FUNCTION int32_t n_alts(int64_t p) const {
    const uint8_t ref = ref_codes(p);
    if (ref > 3) return 0;  // no candidates where the reference is N
    const int32_t total = allele_total(counts, p);
    int32_t n = 0;
    for (int b = 0; b < 4; ++b)
      if (b != ref && passes(allele_base(counts, p, b), total, t.min_count, t.snp_fraction)) ++n;
    return n;
  }

  KOKKOS_INLINE_FUNCTION void operator()(const int64_t i, int64_t& update, const bool final) const {
    const int32_t n = n_alts(core_off + i);
    if (final) offsets(i) = update;
    update += n;
    if (final && i + 1 == static_cast<int64_t>(offsets.extent(0)) - 1) offsets(i + 1) = update;
  }
};

template <class M>
struct SnpFillFunctor {
  SnpScanFunctor<M> scan;
  I64View<M> out_pos;      // window-relative
  U8View<M> out_base;
  I32View<M> out_count;

  KOKKOS_INLINE_FUNCTION void operator()(const int64_t i) const {
    int64_t o = scan.offsets(i);
    if (scan.offsets(i + 1) == o) return;
    const int64_t p = scan.core_off + i;
    const uint8_t ref = scan.ref_codes(p);
    const int32_t total = allele_total(scan.counts, p);
    for (int b = 0; b < 4; ++b) {
      const int32_t c = allele_base(scan.counts, p, b);
      if (b != ref && passes(c, total, scan.t.min_count, scan.t.snp_fraction)) {
        out_pos(o) = p;
        out_base(o) = static_cast<uint8_t>(b);
        out_count(o) = c;
        ++o;
      }
    }
  }
};

// Appends the map slot index of every passing indel allele in the core.
template <class Device>
struct IndelSelectFunctor {
  using M = typename Device::memory_space;
  IndelMap<Device> indels;
  CountView<M> counts;
  U32View<M> out_slot;
  I32View<M> n_out;        // one element: the atomic cursor
  int64_t core_begin, core_end;  // window-relative
  Thresholds t;

  KOKKOS_INLINE_FUNCTION void operator()(const uint32_t slot) const {
    if (!indels.valid_at(slot)) return;
    const IndelKey k = indels.key_at(slot);
    if (k.pos < core_begin || k.pos >= core_end) return;
    const int32_t c = indels.value_at(slot).count;
    if (!passes(c, allele_total(counts, k.pos), t.min_count, t.indel_fraction)) return;
    const int32_t o = Kokkos::atomic_fetch_add(&n_out(0), 1);
    out_slot(o) = slot;
  }
};

}  // namespace dvhpc::kernels
