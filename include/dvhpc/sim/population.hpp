// The population model of `dvhpc simulate`: K populations diverged from one
// ancestral population under the Balding-Nichols model (Balding & Nichols
// 1995), the standard generator of structured genotype data for testing PCA
// and association methods:
//
//   ancestral frequency  p_v ~ U(0.05, 0.95)            (spectrum: uniform)
//                        or density ~ 1/p on [0.01, 0.5] (spectrum: neutral,
//                        the neutral site-frequency spectrum, minor allele)
//   population k         p_vk ~ Beta(p_v (1-F)/F, (1-p_v)(1-F)/F)
//   genotype             g ~ Binomial(2, p_vk)  (Hardy-Weinberg)
//
// F is Wright's F_ST between each population and the ancestor. Every draw is
// keyed by (seed, variant) (sim/rng.hpp), so any rank can make any variant and
// the result does not depend on how variants are split over ranks. Samples
// are split evenly over the populations in blocks: sample s belongs to
// population s * K / N. The same model will supply a cohort's variants when
// reads are simulated per sample.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc::sim {

struct PopulationModel {
  int populations = 5;
  double fst = 0.01;
  std::string spectrum = "uniform";  // uniform | neutral
  uint64_t seed = 1;

  // Population of sample s of n (contiguous blocks of equal size).
  int population_of(int64_t s, int64_t n) const { return static_cast<int>(s * populations / n); }
  // Ancestral frequency of the counted allele at variant v.
  double ancestral_frequency(int64_t v) const;
  // Frequency in each population at variant v ([populations]).
  std::vector<double> population_frequencies(int64_t v) const;
  // Counted-allele copies (0, 1, 2) of n samples at variant v, or -1 where
  // missing (each genotype independently with probability missing_rate).
  void genotypes(int64_t v, int64_t n, double missing_rate, int8_t* out) const;
};

// Gamma(shape, 1) and Beta(a, b) draws (Marsaglia & Tsang 2000).
class SimRng;
double gamma_draw(SimRng& rng, double shape);
double beta_draw(SimRng& rng, double a, double b);

}  // namespace dvhpc::sim
