// The standardised genotype matrix X that PCA (and genomic prediction) work
// on, as an operator over this rank's 2-bit packed rows: it is never stored
// as floats. Each product decodes a tile of rows (kernels/genotype_tile.hpp)
// into a cache-sized float buffer and hands it to oneDNN's sgemm.
//
// Row i of X is variant i standardised as plink2's variance-standardised
// relationship matrix does: x_ij = (g_ij - 2 p_i) / sqrt(2 p_i (1 - p_i)),
// g = copies of the counted allele, p_i its frequency among called samples,
// a missing genotype 0 (mean-imputed). Monomorphic variants and those with
// minor allele frequency under min_maf are left out. With scale = false the
// rows are only centred, x_ij = g_ij - 2 p_i (ridge regression on markers,
// `dvhpc gp`), so every variant weighs by its own variance.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dvhpc/genotype_matrix.hpp"

namespace dvhpc {

// Per-variant code counts (index = 2-bit code) of every local row.
std::vector<std::array<int64_t, 4>> count_codes(const GenotypeMatrix& m);

class StandardizedGenotypes {
 public:
  StandardizedGenotypes(const GenotypeMatrix& m, double min_maf, bool scale = true);

  int64_t rows() const { return static_cast<int64_t>(keep_.size()); }  // local kept variants
  int64_t cols() const { return m_.n_samples(); }
  // Local row index (into the GenotypeMatrix) and frequency of each kept row.
  const std::vector<int64_t>& kept() const { return keep_; }
  const std::vector<double>& alt_freq() const { return freq_; }
  bool scaled() const { return scaled_; }
  int64_t dropped_monomorphic() const { return monomorphic_; }
  int64_t dropped_maf() const { return low_maf_; }
  const GenotypeMatrix& matrix() const { return m_; }

  // One pass over the rows for a width-l block Q [cols, l] (row-major):
  //   y = X Q        [rows, l], row stride ldy  (if y)
  //   z += X^T X Q   [cols, l]                  (if z; accumulates)
  // Each tile is decoded once and used for both products.
  void multiply(const float* q, int l, float* y, int64_t ldy, float* z) const;
  // g += X^T X [cols, cols] (row-major; the exact method's relationship matrix).
  void gram_samples(float* g) const;
  // g = X^T X [cols, cols] with the products in double (BLAS dsyrk): sums
  // over any split of the rows (ranks) then agree to double rounding, which
  // genomic prediction needs for 1-rank = N-rank results.
  void gram_samples(double* g) const;

 private:
  int64_t tile_rows() const;
  // Decodes kept rows [r0, r0 + nr) into `tile` [nr, cols].
  void decode(int64_t r0, int64_t nr, float* tile) const;

  const GenotypeMatrix& m_;
  std::vector<int64_t> keep_;
  std::vector<double> freq_;
  std::vector<float> lut_;  // 4 per kept row
  int64_t monomorphic_ = 0, low_maf_ = 0;
  bool scaled_ = true;
};

}  // namespace dvhpc
