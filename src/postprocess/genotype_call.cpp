#include "dvhpc/genotype_call.hpp"

#include <algorithm>
#include <cmath>

#include "dvhpc/error.hpp"

namespace dvhpc {

GenotypeCall call_genotype(int n_alts, const std::vector<AltSetPrediction>& predictions) {
  DVHPC_ASSERT(n_alts >= 1, "call_genotype needs at least one alt");
  std::vector<bool> covered(static_cast<size_t>(n_alts) + 1, false);
  for (const auto& p : predictions)
    for (int a : p.alts) {
      DVHPC_ASSERT(a >= 1 && a <= n_alts, "alt index out of range");
      covered[static_cast<size_t>(a)] = true;
    }
  for (int a = 1; a <= n_alts; ++a) DVHPC_ASSERT(covered[static_cast<size_t>(a)], "an alt has no prediction");

  constexpr double kFloor = 1e-10;
  const int n_gt = (n_alts + 1) * (n_alts + 2) / 2;
  GenotypeCall c;
  c.posterior.assign(static_cast<size_t>(n_gt), 0.0);
  double total = 0;
  for (int j = 0; j <= n_alts; ++j)
    for (int i = 0; i <= j; ++i) {
      double score = 1.0;
      for (const auto& p : predictions) {
        auto in = [&p](int allele) { return std::find(p.alts.begin(), p.alts.end(), allele) != p.alts.end(); };
        const int k = (in(i) ? 1 : 0) + (in(j) ? 1 : 0);
        score = std::min(score, std::max(kFloor, static_cast<double>(p.probs[static_cast<size_t>(k)])));
      }
      c.posterior[static_cast<size_t>(genotype_index(i, j))] = score;
      total += score;
    }
  for (double& p : c.posterior) p = std::max(kFloor, p / total);

  // Argmax in PL order, which lists genotypes with fewer alt copies first.
  int best = 0;
  for (int g = 1; g < n_gt; ++g)
    if (c.posterior[static_cast<size_t>(g)] > c.posterior[static_cast<size_t>(best)]) best = g;
  for (int j = 0; j <= n_alts; ++j)
    for (int i = 0; i <= j; ++i)
      if (genotype_index(i, j) == best) c.allele1 = i, c.allele2 = j;
  const double pbest = c.posterior[static_cast<size_t>(best)];
  c.gq = std::min(99.0, -10.0 * std::log10(std::max(kFloor, 1.0 - pbest)));
  c.qual = std::min(999.0, -10.0 * std::log10(c.posterior[0]));
  for (double p : c.posterior)
    c.pl.push_back(static_cast<int>(std::lround(std::min(9999.0, -10.0 * std::log10(p / pbest)))));
  return c;
}

}  // namespace dvhpc
