#include "standardized_genotypes.hpp"

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <array>
#include <cmath>

#include "dense_linalg.hpp"
#include "dvhpc/error.hpp"
#include "kernels/genotype_decode_host.hpp"
#include "kernels/genotype_tile.hpp"

extern "C" void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha,
                       const double* a, const int* lda, const double* beta, double* c, const int* ldc);

namespace dvhpc {
namespace {

using Host = Kokkos::DefaultHostExecutionSpace;

// Bytes of one worker's float tile: large enough for an efficient product
// (M = tile rows), small enough that the workers' tiles, Q and their Z stay
// in the last-level cache (2.5 MB: 64 rows of 10,000 samples, measured best).
constexpr int64_t kTileBytes = int64_t{5} << 19;

}  // namespace

std::vector<std::array<int64_t, 4>> count_codes(const GenotypeMatrix& m) {
  std::vector<std::array<int64_t, 4>> out(static_cast<size_t>(m.local_variants()));
  if (out.empty()) return out;
  kernels::count_codes_on<Host>(m.packed.data(), m.local_variants(), m.row_bytes(), m.n_samples(),
                                 out.data()->data());
  return out;
}

StandardizedGenotypes::StandardizedGenotypes(const GenotypeMatrix& m, double min_maf, bool scale)
    : m_(m), scaled_(scale) {
  const auto counts = count_codes(m);
  for (int64_t i = 0; i < m.local_variants(); ++i) {
    const auto& c = counts[static_cast<size_t>(i)];
    const int64_t called = c[gcode::kTwo] + c[gcode::kOne] + c[gcode::kZero];
    const double p = called > 0 ? (2.0 * c[gcode::kTwo] + c[gcode::kOne]) / (2.0 * called) : 0.0;
    if (called == 0 || c[gcode::kTwo] == called || c[gcode::kOne] == called || c[gcode::kZero] == called) {
      // No variance (all one genotype; all-het rows standardise to 0 too).
      ++monomorphic_;
      continue;
    }
    if (std::min(p, 1.0 - p) < min_maf) {
      ++low_maf_;
      continue;
    }
    const double s = scale ? std::sqrt(2.0 * p * (1.0 - p)) : 1.0;
    keep_.push_back(i);
    freq_.push_back(p);
    lut_.push_back(static_cast<float>((2.0 - 2.0 * p) / s));
    lut_.push_back(0.0f);
    lut_.push_back(static_cast<float>((1.0 - 2.0 * p) / s));
    lut_.push_back(static_cast<float>((0.0 - 2.0 * p) / s));
  }
}

int64_t StandardizedGenotypes::tile_rows() const {
  // At least 64 rows: fewer make the products markedly less efficient
  // (20,000 samples: 32 rows 200, 64 rows 206 GFLOPS on 2 cores).
  return std::clamp<int64_t>(kTileBytes / (4 * std::max<int64_t>(cols(), 1)), 64, 4096);
}

void StandardizedGenotypes::decode(int64_t r0, int64_t nr, float* tile) const {
  // On the host, one row per work item through the vector decoder; the
  // generic functor (kernels/genotype_tile.hpp) is the device path.
  const int64_t n = cols(), rb = m_.row_bytes();
  const kernels::DecodeRowFn row_fn = kernels::host_decode_row();
  const uint8_t* packed = m_.packed.data();
  const int64_t* keep = keep_.data() + r0;
  const float* lut = lut_.data() + 4 * r0;
  Kokkos::parallel_for(
      "dvhpc::decode_genotype_tile", Kokkos::RangePolicy<Host>(0, nr),
      [=](int64_t r) { row_fn(packed + keep[r] * rb, n, lut + 4 * r, tile + r * n); });
  Kokkos::fence();
}

void StandardizedGenotypes::multiply(const float* q, int l, float* y, int64_t ldy, float* z) const {
  // One parallel region per pass: each worker takes every workers-th tile,
  // decodes it into its own buffer and runs both products single-threaded
  // (oneDNN runs one thread inside a parallel region), accumulating its own
  // Z. Thousands of small threaded GEMMs would instead wake the thread pool
  // twice per tile, which costs 1.5x under OMP_WAIT_POLICY=passive.
  const int64_t n = cols(), T = tile_rows(), tiles = (rows() + T - 1) / T;
  if (tiles == 0) return;
  const int64_t workers = std::min<int64_t>(Host().concurrency(), tiles);
  std::vector<std::vector<float>> tile(static_cast<size_t>(workers)), yt(static_cast<size_t>(workers)),
      zt(static_cast<size_t>(workers));
  const kernels::DecodeRowFn row_fn = kernels::host_decode_row();
  const int64_t rb = m_.row_bytes();
  using Team = Kokkos::TeamPolicy<Host>;
  Kokkos::parallel_for("dvhpc::genotype_products", Team(static_cast<int>(workers), 1),
                       [&](const Team::member_type& member) {
                         const size_t w = static_cast<size_t>(member.league_rank());
                         tile[w].resize(static_cast<size_t>(T * n));
                         if (!y) yt[w].resize(static_cast<size_t>(T * l));
                         if (z) zt[w].assign(static_cast<size_t>(n * l), 0.0f);
                         for (int64_t t = static_cast<int64_t>(w); t < tiles; t += workers) {
                           const int64_t r0 = t * T, nr = std::min(T, rows() - r0);
                           for (int64_t r = 0; r < nr; ++r)
                             row_fn(m_.packed.data() + keep_[static_cast<size_t>(r0 + r)] * rb, n,
                                    lut_.data() + 4 * (r0 + r), tile[w].data() + r * n);
                           float* yr = y ? y + r0 * ldy : yt[w].data();
                           const int64_t ld = y ? ldy : l;
                           linalg::sgemm('N', 'N', nr, l, n, tile[w].data(), n, q, l, 0.0f, yr, ld);
                           if (z) linalg::sgemm('T', 'N', n, l, nr, tile[w].data(), n, yr, ld, 1.0f, zt[w].data(), l);
                         }
                       });
  Kokkos::fence();
  if (z)
    for (const auto& part : zt)
      for (size_t i = 0; i < part.size(); ++i) z[i] += part[i];
}

void StandardizedGenotypes::gram_samples(float* g) const {
  const int64_t n = cols(), T = tile_rows();
  std::vector<float> tile(static_cast<size_t>(T * n));
  for (int64_t r0 = 0; r0 < rows(); r0 += T) {
    const int64_t nr = std::min(T, rows() - r0);
    decode(r0, nr, tile.data());
    linalg::sgemm('T', 'N', n, n, nr, tile.data(), n, tile.data(), n, 1.0f, g, n);
  }
}

void StandardizedGenotypes::gram_samples(double* g) const {
  const int64_t n = cols(), T = tile_rows();
  DVHPC_ASSERT(n <= 2147483647 && T <= 2147483647, "gram_samples: too many samples for BLAS's int");
  std::fill(g, g + n * n, 0.0);
  std::vector<float> tile(static_cast<size_t>(T * n));
  std::vector<double> wide(static_cast<size_t>(T * n));
  const int ni = static_cast<int>(n);
  const double one = 1.0;
  for (int64_t r0 = 0; r0 < rows(); r0 += T) {
    const int64_t nr = std::min(T, rows() - r0);
    decode(r0, nr, tile.data());
    std::copy(tile.begin(), tile.begin() + nr * n, wide.begin());
    // The row-major tile [nr, n] is column-major B [n, nr]; C += B B^T, upper
    // triangle (column-major), i.e. the lower triangle of row-major g.
    const int k = static_cast<int>(nr);
    dsyrk_("U", "N", &ni, &k, &one, wide.data(), &ni, &one, g, &ni);
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) g[i * n + j] = g[j * n + i];
}

}  // namespace dvhpc
