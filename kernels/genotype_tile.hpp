// Kernels over 2-bit packed genotype rows (dvhpc/genotype_matrix.hpp): code
// counts per variant, and decoding a tile of rows into standardised floats
// for a dense product. Templated on the memory space, like every kernel
// here, so the same functors run on Kokkos' OpenMP backend and on CUDA.
#pragma once

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace dvhpc::kernels {

template <class M>
using PackedRowsView = Kokkos::View<const uint8_t**, Kokkos::LayoutRight, M, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
// Per tile row: the value of each code (2 copies, missing, 1 copy, 0 copies).
template <class M>
using CodeLutView = Kokkos::View<const float* [4], Kokkos::LayoutRight, M, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class M>
using TileView = Kokkos::View<float**, Kokkos::LayoutRight, M, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class M>
using CodeCountView = Kokkos::View<int64_t* [4], Kokkos::LayoutRight, M, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class M>
using RowIndexView = Kokkos::View<const int64_t*, M, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

// Bytes of a row one work item decodes: big enough to amortise the index
// arithmetic, small enough that a tile of a few rows still spreads over threads.
constexpr int64_t kDecodeBytes = 64;

// tile(r, j) = lut(r, code of sample j in packed row rows(r)), j < n.
template <class M>
struct DecodeTileFunctor {
  PackedRowsView<M> packed;  // [variants, row_bytes]
  RowIndexView<M> rows;      // which packed row each tile row decodes
  CodeLutView<M> lut;        // [tile rows, 4]
  TileView<M> tile;          // [tile rows, >= n]
  int64_t n;                 // samples
  int64_t pieces;            // work items per row

  KOKKOS_INLINE_FUNCTION void operator()(int64_t item) const {
    const int64_t r = item / pieces;
    const int64_t b0 = (item - r * pieces) * kDecodeBytes;
    const int64_t rb = static_cast<int64_t>(packed.extent(1));
    const int64_t b1 = b0 + kDecodeBytes < rb ? b0 + kDecodeBytes : rb;
    const float v[4] = {lut(r, 0), lut(r, 1), lut(r, 2), lut(r, 3)};
    const uint8_t* src = &packed(rows(r), 0);
    float* dst = &tile(r, 0);
    const int64_t full = n >> 2;  // bytes whose 4 samples are all real
    for (int64_t b = b0; b < b1; ++b) {
      const unsigned byte = src[b];
      if (b < full) {
        dst[4 * b + 0] = v[byte & 3];
        dst[4 * b + 1] = v[(byte >> 2) & 3];
        dst[4 * b + 2] = v[(byte >> 4) & 3];
        dst[4 * b + 3] = v[(byte >> 6) & 3];
      } else {
        for (int64_t k = 0; 4 * b + k < n; ++k) dst[4 * b + k] = v[(byte >> (2 * k)) & 3];
      }
    }
  }
};

KOKKOS_INLINE_FUNCTION int popcount64(uint64_t x) {
#if defined(__CUDA_ARCH__)
  return __popcll(x);
#else
  return __builtin_popcountll(x);
#endif
}

// counts(i, c) = number of samples of row i with code c (padding excluded).
template <class M>
struct CountCodesFunctor {
  PackedRowsView<M> packed;
  CodeCountView<M> counts;
  int64_t n;

  KOKKOS_INLINE_FUNCTION void operator()(int64_t i) const {
    const uint8_t* row = &packed(i, 0);
    // Whole 64-bit words (32 samples): count the bit-pair patterns 01, 10, 11
    // by popcount; code 00 is what remains.
    const int64_t words = n / 32;
    int64_t c1 = 0, c2 = 0, c3 = 0;
    for (int64_t w = 0; w < words; ++w) {
      uint64_t x = 0;
      for (int k = 0; k < 8; ++k) x |= static_cast<uint64_t>(row[8 * w + k]) << (8 * k);
      const uint64_t lo = x & 0x5555555555555555ULL, hi = (x >> 1) & 0x5555555555555555ULL;
      c1 += popcount64(lo & ~hi);
      c2 += popcount64(hi & ~lo);
      c3 += popcount64(hi & lo);
    }
    int64_t c[4] = {words * 32 - c1 - c2 - c3, c1, c2, c3};
    for (int64_t j = words * 32; j < n; ++j) ++c[(row[j >> 2] >> ((j & 3) * 2)) & 3];
    for (int k = 0; k < 4; ++k) counts(i, k) = c[k];
  }
};

// counts [variants, 4] of packed rows, on execution space Exec; the pointers
// are in its memory space.
template <class Exec>
void count_codes_on(const uint8_t* packed, int64_t variants, int64_t row_bytes, int64_t n, int64_t* counts) {
  using M = typename Exec::memory_space;
  if (variants == 0) return;
  CountCodesFunctor<M> f{PackedRowsView<M>(packed, static_cast<size_t>(variants), static_cast<size_t>(row_bytes)),
                         CodeCountView<M>(counts, static_cast<size_t>(variants)), n};
  Kokkos::parallel_for("dvhpc::count_codes", Kokkos::RangePolicy<Exec>(0, variants), f);
  Kokkos::fence();
}

// Launchers on Kokkos' default execution space; every pointer is in its
// memory space (device memory in a CUDA build, where the rows were uploaded
// once). The host path of `pca` uses count_codes_on<host> and its own
// vectorised decoder (genotype_decode_host.hpp).
//   counts [variants, 4]; tile [nr, n] from rows[0..nr) with lut [nr, 4]
void count_codes(const uint8_t* packed, int64_t variants, int64_t row_bytes, int64_t n, int64_t* counts);
void decode_tile(const uint8_t* packed, int64_t variants, int64_t row_bytes, const int64_t* rows, const float* lut,
                 int64_t nr, int64_t n, float* tile);

}  // namespace dvhpc::kernels
