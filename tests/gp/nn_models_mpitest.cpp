// `dvhpc gp`'s neural models at 1 and 2 ranks:
//  - mlp and gcn trained data-parallel on all ranks give the weights and
//    predictions of the same training on rank 0 alone (a one-rank
//    communicator), up to float summation order: dropout on, early stopping on;
//  - a fit interrupted at a mid-training checkpoint and resumed ends with the
//    weights of an uninterrupted fit;
//  - on a simulated trait with strong signal (y = X beta + noise, h2 0.8) the
//    mlp and gcn predict held-out samples with r > 0.5.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "dvhpc/comm.hpp"
#include "dvhpc/genotype_matrix.hpp"
#include "dvhpc/sim/population.hpp"
#include "dvhpc/sim/rng.hpp"
#include "mpi_test_util.hpp"
#include "src/gp/gblup.hpp"
#include "src/gp/gcn_model.hpp"
#include "src/gp/mlp_model.hpp"
#include "src/pca/standardized_genotypes.hpp"

using namespace dvhpc;
using namespace dvhpc::gp;

namespace {
constexpr int64_t kSamples = 300, kVariants = 200;

// This rank's block of the variants of a 2-population sample.
GenotypeMatrix block(const Comm& w) {
  sim::PopulationModel model{2, 0.05, "uniform", 5};
  GenotypeMatrix m;
  for (int64_t s = 0; s < kSamples; ++s) m.samples.push_back({"f", "s" + std::to_string(s)});
  m.total_variants = kVariants;
  std::vector<int8_t> g(kSamples);
  const int64_t first = kVariants * w.rank() / w.size(), last = kVariants * (w.rank() + 1) / w.size();
  for (int64_t v = first; v < last; ++v) {
    model.genotypes(v, kSamples, 0.0, g.data());
    uint8_t* row = m.add_variant(v, VariantId{"1", v + 1, "v" + std::to_string(v), "A", "C"});
    for (int64_t s = 0; s < kSamples; ++s) set_code(row, s, code_of(g[static_cast<size_t>(s)]));
  }
  return m;
}

// y = sum over all variants of beta (g - mean) + noise, h2 = 0.9: n / variants
// high enough for a linear predictor to reach r ~ 0.7.
std::vector<double> trait() {
  sim::PopulationModel model{2, 0.05, "uniform", 5};
  sim::SimRng rng(21);
  std::vector<double> g(kSamples, 0.0);
  std::vector<int8_t> c(kSamples);
  for (int64_t v = 0; v < kVariants; ++v) {
    model.genotypes(v, kSamples, 0.0, c.data());
    double mean = 0;
    for (int8_t x : c) mean += x;
    mean /= kSamples;
    const double beta = rng.normal();
    for (int64_t s = 0; s < kSamples; ++s) g[static_cast<size_t>(s)] += beta * (c[static_cast<size_t>(s)] - mean);
  }
  double var = 0;
  for (double x : g) var += x * x / kSamples;
  std::vector<double> y(kSamples);
  for (int64_t s = 0; s < kSamples; ++s) y[static_cast<size_t>(s)] = 10 + g[static_cast<size_t>(s)] + std::sqrt(var / 9) * rng.normal();
  return y;
}

// Samples 0..239 train, 240..299 test; two traits (the second a rescaled
// copy of the first plus noise) to exercise the multi-output head.
FitTask task() {
  const std::vector<double> y = trait();
  sim::SimRng rng(5);
  FitTask t;
  std::vector<double> a, b;
  for (int64_t s = 0; s < kSamples; ++s) {
    if (s < 240) {
      t.train.push_back(s);
      a.push_back(y[static_cast<size_t>(s)]);
      b.push_back(3 * y[static_cast<size_t>(s)] + rng.normal());
    } else {
      t.test.push_back(s);
    }
  }
  t.targets = {a, b};
  return t;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) ma += a[i] / a.size(), mb += b[i] / b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  return sab / std::sqrt(saa * sbb);
}

double max_rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(double(a[i]) - b[i]) / (1e-2 + std::abs(a[i])));
  return worst;
}

NnOptions small_options() {
  NnOptions o;
  o.hidden = {32};
  o.epochs = 60;
  o.batch = 24;
  o.patience = 10;
  o.gcn_epochs = 120;
  o.dropout = 0.2f;
  return o;
}

template <typename M>
void check_model(const Comm& w, const std::shared_ptr<const SampleFeatures>& f, const std::string& what) {
  const FitTask t = task();
  // Data-parallel on every rank.
  M all(w, f, small_options());
  all.fit(t);
  const auto pred = all.predict(t.test);
  const std::vector<float> weights = all.weights();
  INFO(what << ": epochs " << all.last_result().epochs << ", best " << all.last_result().best_epoch << ", val mse "
            << all.last_result().best_val_loss);
  CHECK(all.last_result().steps > 20);

  // The same training on rank 0 alone.
  MPI_Comm self_raw;
  MPI_Comm_split(w.raw(), w.rank() == 0 ? 0 : MPI_UNDEFINED, 0, &self_raw);
  if (w.rank() == 0) {
    const Comm self(self_raw);
    M one(self, f, small_options());
    one.fit(t);
    CHECK(max_rel_diff(one.weights(), weights) < 2e-3);
    const auto p1 = one.predict(t.test);
    for (size_t a = 0; a < 2; ++a)
      for (size_t i = 0; i < t.test.size(); ++i) CHECK(p1[a][i] == doctest::Approx(pred[a][i]).epsilon(1e-3));
    MPI_Comm_free(&self_raw);
  }

  // Interrupted at a checkpoint after 13 steps, resumed by a fresh model.
  const std::string dir = test::shared_dir(w, "nnresume");
  const std::string ckpt = dir + "/" + what + ".ckpt";
  M first(w, f, small_options());
  first.training().checkpoint_path = ckpt;
  first.training().checkpoint_every = 13;
  first.training().max_steps = 13;
  first.fit(t);
  CHECK(first.last_result().steps == 13);
  M second(w, f, small_options());
  second.resume_from = ckpt;
  second.fit(t);
  CHECK(second.last_result().steps == all.last_result().steps);
  CHECK(second.last_result().best_epoch == all.last_result().best_epoch);
  CHECK(max_rel_diff(second.weights(), weights) < 1e-6);
  w.barrier();
  if (w.is_root()) std::filesystem::remove_all(dir);

  // Accuracy on held-out samples: trait 1 is h2 0.8.
  std::vector<double> truth;
  const std::vector<double> y = trait();
  for (int64_t s : t.test) truth.push_back(y[static_cast<size_t>(s)]);
  const double r = pearson(pred[0], truth);
  MESSAGE(what << " held-out r = " << r << " (epochs " << all.last_result().epochs << ", best "
               << all.last_result().best_epoch << ", val mse " << all.last_result().best_val_loss << ")");
  CHECK(r > 0.5);
}
}  // namespace

TEST_CASE("gp mlp and gcn: 1 rank = N ranks, exact resume, strong signal predicted") {
  const Comm w = Comm::world();
  const GenotypeMatrix mine = block(w);
  StandardizedGenotypes x(mine, 0.0, false);
  const auto f = sample_features(w, x, std::getenv("NNC") ? std::atoi(std::getenv("NNC")) : 0);
  CHECK(f->width > 100);  // the non-null components
  {  // calibration of the simulated trait: GBLUP on the same task
    Gblup g(w, x, Shrinkage::Reml);
    const FitTask t = task();
    g.fit(t);
    std::vector<double> truth;
    const std::vector<double> y = trait();
    for (int64_t s : t.test) truth.push_back(y[static_cast<size_t>(s)]);
    MESSAGE("gblup held-out r = " << pearson(g.predict(t.test)[0], truth));
  }
  check_model<MlpModel>(w, f, "mlp");
  check_model<GcnModel>(w, f, "gcn");
}
