// GBLUP at 1 and 2 ranks: the relationship matrix summed over ranks equals
// one formed here from all variants; tasks dealt to ranks give what every
// rank computing each fit gives; the exported marker effects reproduce the
// kernel predictions (they are what PREFIX.gp.h5 stores).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "dvhpc/comm.hpp"
#include "dvhpc/genotype_matrix.hpp"
#include "dvhpc/sim/population.hpp"
#include "mpi_test_util.hpp"
#include "dvhpc/sim/rng.hpp"
#include "src/gp/gblup.hpp"
#include "src/pca/standardized_genotypes.hpp"

using namespace dvhpc;
using namespace dvhpc::gp;

namespace {
constexpr int64_t kSamples = 120, kVariants = 700;

GenotypeMatrix block(const Comm& w) {
  return test::simulated_block(w, sim::PopulationModel{2, 0.02, "uniform", 3}, kSamples, kVariants, 0.01);
}

// Copies of A1 (missing: -1) of every variant, gathered: [variants][samples].
std::vector<std::vector<int>> all_genotypes() {
  sim::PopulationModel model{2, 0.02, "uniform", 3};
  std::vector<std::vector<int>> out;
  std::vector<int8_t> g(kSamples);
  for (int64_t v = 0; v < kVariants; ++v) {
    model.genotypes(v, kSamples, 0.01, g.data());
    out.emplace_back(g.begin(), g.end());
  }
  return out;
}
}  // namespace

TEST_CASE("gblup: relationship matrix, dealt tasks and marker effects at any rank count") {
  const Comm w = Comm::world();
  const GenotypeMatrix mine = block(w);
  StandardizedGenotypes x(mine, 0.0, false);
  Gblup model(w, x, Shrinkage::Reml);

  // K = Xc Xc^T from all variants, centred by frequency, missing 0.
  const auto geno = all_genotypes();
  std::vector<double> k(static_cast<size_t>(kSamples * kSamples), 0.0);
  size_t used = 0;
  for (const auto& row : geno) {
    double sum = 0, called = 0;
    for (int c : row)
      if (c >= 0) sum += c, called += 1;
    const double p = sum / (2 * called);
    if (p <= 0 || p >= 1) continue;
    ++used;
    std::vector<double> xc(row.size());
    for (size_t j = 0; j < row.size(); ++j) xc[j] = row[j] < 0 ? 0.0 : row[j] - 2 * p;
    for (int64_t a = 0; a < kSamples; ++a)
      for (int64_t b = 0; b < kSamples; ++b) k[static_cast<size_t>(a * kSamples + b)] += xc[static_cast<size_t>(a)] * xc[static_cast<size_t>(b)];
  }
  double worst = 0;
  for (size_t i = 0; i < k.size(); ++i) worst = std::max(worst, std::abs(k[i] - model.relationship()[i]) / (1 + std::abs(k[i])));
  CHECK(worst < 1e-5);

  // Two traits, 4 folds; the first trait a function of the genotypes.
  sim::SimRng rng(9);
  std::vector<double> y1(kSamples), y2(kSamples);
  for (int64_t s = 0; s < kSamples; ++s) {
    double g = 0;
    for (size_t v = 0; v < geno.size(); v += 7) g += std::max(geno[v][static_cast<size_t>(s)], 0) * 0.2;
    y1[static_cast<size_t>(s)] = g + rng.normal();
    y2[static_cast<size_t>(s)] = rng.normal();
  }
  std::vector<FitTask> tasks;
  for (int f = 0; f < 4; ++f) {
    FitTask t;
    for (int64_t s = 0; s < kSamples; ++s) (s % 4 == f ? t.test : t.train).push_back(s);
    std::vector<double> a, b;
    for (int64_t s : t.train) a.push_back(y1[static_cast<size_t>(s)]), b.push_back(y2[static_cast<size_t>(s)]);
    t.targets = {a, b};
    tasks.push_back(t);
  }
  Gblup loo(w, x, Shrinkage::Loo);
  for (Gblup* m : {&model, &loo}) {
    const auto dealt = m->run_tasks(tasks);
    REQUIRE(dealt.size() == 4);
    for (size_t t = 0; t < tasks.size(); ++t) {
      m->fit(tasks[t]);  // every rank fits this task itself
      const auto p = m->predict(tasks[t].test);
      const auto s = m->shrinkage();
      for (size_t a = 0; a < 2; ++a) {
        CHECK(dealt[t].shrinkage[a] == doctest::Approx(s[a]).epsilon(1e-12));
        for (size_t i = 0; i < p[a].size(); ++i)
          CHECK(dealt[t].predictions[a][i] == doctest::Approx(p[a][i]).epsilon(1e-12));
      }
    }
  }

  // Marker effects (gathered on rank 0) predict the training samples as the kernel does.
  FitTask all;
  for (int64_t s = 0; s < kSamples; ++s) all.train.push_back(s);
  all.targets = {y1, y2};
  model.fit(all);
  const auto fitted = model.predict(all.train);
  MarkerEffects e;
  REQUIRE(model.marker_effects(&e));
  if (w.is_root()) {
    REQUIRE(e.id.size() == used);
    for (int64_t s = 0; s < kSamples; ++s)
      for (size_t a = 0; a < 2; ++a) {
        double pred = e.intercept[a];
        for (size_t v = 0; v < e.id.size(); ++v) {
          const int c = geno[static_cast<size_t>(std::stoll(e.id[v].substr(1)))][static_cast<size_t>(s)];
          pred += (c < 0 ? 0.0 : c - 2 * e.freq[v]) * e.effect[v * 2 + a];
        }
        CHECK(pred == doctest::Approx(fitted[a][static_cast<size_t>(s)]).epsilon(1e-4));
      }
  } else {
    CHECK(e.id.empty());
  }
}
