#include "dvhpc/sim/population.hpp"

#include <cmath>

#include "dvhpc/sim/rng.hpp"

namespace dvhpc::sim {
namespace {
constexpr uint64_t kAncestral = 0x616e63, kPopulation = 0x706f70, kGenotype = 0x67656e;
}

double gamma_draw(SimRng& rng, double shape) {
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a) for a < 1.
    const double u = 1.0 - rng.uniform();
    return gamma_draw(rng, shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - rng.uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double beta_draw(SimRng& rng, double a, double b) {
  const double x = gamma_draw(rng, a), y = gamma_draw(rng, b);
  return x + y > 0 ? x / (x + y) : 0.5;
}

double PopulationModel::ancestral_frequency(int64_t v) const {
  SimRng rng(key(seed, {kAncestral, static_cast<uint64_t>(v)}));
  if (spectrum == "neutral") {
    // Density ~ 1/p on [lo, hi]: p = lo * (hi/lo)^u; either allele may be the counted one.
    constexpr double lo = 0.01, hi = 0.5;
    const double p = lo * std::pow(hi / lo, rng.uniform());
    return rng.chance(0.5) ? p : 1.0 - p;
  }
  return 0.05 + 0.9 * rng.uniform();
}

std::vector<double> PopulationModel::population_frequencies(int64_t v) const {
  const double p = ancestral_frequency(v);
  SimRng rng(key(seed, {kPopulation, static_cast<uint64_t>(v)}));
  std::vector<double> out(static_cast<size_t>(populations));
  const double scale = (1.0 - fst) / fst;
  for (auto& f : out) f = beta_draw(rng, p * scale, (1.0 - p) * scale);
  return out;
}

void PopulationModel::genotypes(int64_t v, int64_t n, double missing_rate, int8_t* out) const {
  const std::vector<double> f = population_frequencies(v);
  // Per population, thresholds on a 32-bit uniform: u < t0 -> 0 copies,
  // u < t1 -> 1 copy, else 2 (Hardy-Weinberg); two genotypes per 64-bit draw.
  std::vector<uint64_t> t0(f.size()), t1(f.size());
  for (size_t k = 0; k < f.size(); ++k) {
    const double q = 1.0 - f[k];
    t0[k] = static_cast<uint64_t>(q * q * 4294967296.0);
    t1[k] = static_cast<uint64_t>((q * q + 2.0 * f[k] * q) * 4294967296.0);
  }
  SimRng rng(key(seed, {kGenotype, static_cast<uint64_t>(v)}));
  uint64_t bits = 0;
  const int64_t K = populations;
  for (int64_t k = 0; k < K; ++k) {
    // Samples of population k: s * K / n == k.
    const int64_t begin = (k * n + K - 1) / K, end = ((k + 1) * n + K - 1) / K;
    const uint64_t a = t0[static_cast<size_t>(k)], b = t1[static_cast<size_t>(k)];
    for (int64_t s = begin; s < end; ++s) {
      if (((s - begin) & 1) == 0) bits = rng.next();
      const uint64_t u = ((s - begin) & 1) ? (bits >> 32) : (bits & 0xffffffffULL);
      out[s] = static_cast<int8_t>(u < a ? 0 : (u < b ? 1 : 2));
    }
  }
  if (missing_rate > 0) {
    SimRng miss(key(seed, {kGenotype + 1, static_cast<uint64_t>(v)}));
    for (int64_t s = 0; s < n; ++s)
      if (miss.chance(missing_rate)) out[s] = -1;
  }
}

}  // namespace dvhpc::sim
