// The networks' final fits saved for gp.predict_from (nn_saved.hpp), at 1
// and 2 ranks, on a simulated set with missing genotypes and more samples
// than variants (null components of the relationship matrix must not become
// inputs that no marker vector reproduces):
//  - the saved loadings, applied to the training genotypes through the same
//    matching/projection as new samples, reproduce the training scores
//    (to 1e-5; PC1's scores have sd 1);
//  - predicting the TRAINING samples from the file reproduces the final
//    fit's in-sample predictions: mlp to float rounding of its inputs
//    (1e-4 of the trait's sd), gcn to the same bound (each training sample is
//    its own twin, so its prediction is its node's output: the same sums);
//  - the gcn's rule for a new sample, applied to a training node with the
//    node itself left out, rebuilds that node's training row of A_hat (same
//    neighbours, weights to float rounding).
#include <doctest/doctest.h>

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "dvhpc/comm.hpp"
#include "dvhpc/genotype_matrix.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/h5_handle.hpp"
#include "dvhpc/sim/population.hpp"
#include "dvhpc/sim/rng.hpp"
#include "mpi_test_util.hpp"
#include "src/gp/gcn_inductive.hpp"
#include "src/gp/gcn_model.hpp"
#include "src/gp/mlp_model.hpp"
#include "src/gp/nn_saved.hpp"
#include "src/pca/standardized_genotypes.hpp"

using namespace dvhpc;
using namespace dvhpc::gp;

namespace {
constexpr int64_t kSamples = 260, kVariants = 180;

// Two traits on samples 0..219 (the rest only genotyped: graph nodes
// without a target), from the genotypes so the networks learn something.
FitTask task(const GenotypeMatrix& all) {
  sim::SimRng rng(3);
  std::vector<double> g(kSamples, 0.0);
  for (int64_t v = 0; v < all.local_variants(); ++v) {
    const double beta = rng.normal();
    for (int64_t s = 0; s < kSamples; ++s) {
      const int c = alt_copies(code_at(all.row(v), s));
      g[static_cast<size_t>(s)] += beta * (c < 0 ? 1 : c);
    }
  }
  FitTask t;
  std::vector<double> a, b;
  for (int64_t s = 0; s < 220; ++s) {
    t.train.push_back(s);
    a.push_back(g[static_cast<size_t>(s)] + rng.normal());
    b.push_back(100 - 2 * g[static_cast<size_t>(s)] + 3 * rng.normal());
  }
  for (int64_t s = 0; s < kSamples; ++s) t.test.push_back(s);
  t.targets = {a, b};
  return t;
}

NnOptions options() {
  NnOptions o;
  o.hidden = {16, 8};  // two hidden layers: the saved architecture must round-trip
  o.epochs = 30;
  o.batch = 32;
  o.gcn_epochs = 40;
  o.neighbours = 6;
  return o;
}

double sd(const std::vector<double>& v) {
  double m = 0, s = 0;
  for (double x : v) m += x / static_cast<double>(v.size());
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

// max |a - b| / sd(a) over both traits.
double worst(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
  REQUIRE(a.size() == b.size());
  double w = 0;
  for (size_t t = 0; t < a.size(); ++t) {
    REQUIRE(a[t].size() == b[t].size());
    for (size_t i = 0; i < a[t].size(); ++i) w = std::max(w, std::abs(a[t][i] - b[t][i]) / sd(a[t]));
  }
  return w;
}
}  // namespace

TEST_CASE("gp saved networks: loadings reproduce the scores, predict_from on the training samples = the final fit") {
  const Comm w = Comm::world();
  // The whole matrix on every rank (to make the trait), this rank's block to fit.
  const sim::PopulationModel pop{2, 0.05, "uniform", 5};
  const GenotypeMatrix all = test::simulated_rows(pop, kSamples, kVariants, 0.02, 0, kVariants);
  const GenotypeMatrix mine = test::simulated_block(w, pop, kSamples, kVariants, 0.02);
  StandardizedGenotypes x(mine, 0.0, false);
  const auto f = sample_features(w, x, 0);
  CHECK(f->width <= kVariants);  // at most the rank of X: no null component of K (n > variants)
  const FitTask t = task(all);

  MlpModel mlp(w, f, options());
  mlp.fit(t);
  const auto mlp_final = mlp.predict(t.test);
  GcnModel gcn(w, f, options());
  gcn.fit(t);
  const auto gcn_final = gcn.predict(t.test);

  NeuralFit mfit{"mlp", {mlp.saved_net({0, 1})}, {}};
  NeuralFit gfit{"gcn", {gcn.saved_net({0, 1})}, {}};
  gfit.graph.a = gcn.graph();
  gfit.graph.width = f->width;
  gfit.graph.scores = f->scores;
  const std::string dir = test::shared_dir(w, "nnsaved");
  const std::string path = dir + "/fit.gp.h5";
  {
    H5File file(w, path);
    write_neural_fit(file, mfit, w.is_root());
    write_neural_fit(file, gfit, w.is_root());
    write_nn_inputs(file, x, *f, w.is_root());
    file.commit();
  }
  NnInputs in;
  NeuralFit mread, gread;
  {
    H5Handle h{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(h.id >= 0);
    in = read_nn_inputs(h.id, path);
    mread = read_neural_fit(h.id, path, "mlp", 2, in);
    gread = read_neural_fit(h.id, path, "gcn", 2, in);
  }
  CHECK(in.loadings.k == f->width);
  CHECK(static_cast<int64_t>(in.loadings.id.size()) == w.allreduce_sum(x.rows()));
  CHECK(in.scores == f->scores);
  CHECK(mread.nets[0].hidden == std::vector<int64_t>{16, 8});
  CHECK(mread.nets[0].weights == mfit.nets[0].weights);

  // Scores of the training genotypes through the saved loadings.
  Projection counts;
  const std::vector<float> s = project_scores(w, in, mine, &counts);
  CHECK(counts.matched == static_cast<int64_t>(in.loadings.id.size()));
  REQUIRE(s.size() == f->scores.size());
  double err = 0;
  for (size_t i = 0; i < s.size(); ++i) err = std::max(err, std::abs(double(s[i]) - f->scores[i]));
  MESSAGE("width " << f->width << ", max |projected - training score| = " << err);
  CHECK(err < 1e-5);

  const auto mlp_saved = predict_neural(mread, s, kSamples, 2);
  const auto gcn_saved = predict_neural(gread, s, kSamples, 2);
  MESSAGE("predict_from on the training samples: mlp max |diff| / sd = " << worst(mlp_final, mlp_saved)
                                                                          << ", gcn " << worst(gcn_final, gcn_saved));
  CHECK(worst(mlp_final, mlp_saved) < 1e-4);
  CHECK(worst(gcn_final, gcn_saved) < 1e-4);
  CHECK(sd(mlp_final[0]) > 0.1 * sd(t.targets[0]));  // not a constant network
  CHECK(sd(gcn_final[0]) > 0.1 * sd(t.targets[0]));

  // Rule 1 (twin) found every sample's own node; rule 2 with the node left
  // out rebuilds the node's training row.
  const GcnGraph& g = gread.graph;
  const std::vector<double> norms = node_norms(g);
  int twins = 0, rows_equal = 0, rows = 0;
  for (int64_t j = 0; j < kSamples; ++j) twins += inductive_row(g, norms, s.data() + j * f->width).twin == j;
  CHECK(twins == kSamples);
  for (int64_t j = 0; j < kSamples; j += 5) {
    const InductiveRow r = inductive_row(g, norms, g.scores.data() + j * f->width, j);
    const Propagation& a = gcn.graph();
    std::vector<int64_t> col;
    std::vector<float> weight;
    float self = 0;
    for (int64_t q = a.start[static_cast<size_t>(j)]; q < a.start[static_cast<size_t>(j) + 1]; ++q) {
      if (a.col[static_cast<size_t>(q)] == j) self = a.weight[static_cast<size_t>(q)];
      else col.push_back(a.col[static_cast<size_t>(q)]), weight.push_back(a.weight[static_cast<size_t>(q)]);
    }
    bool same = r.twin < 0 && r.col == col && std::abs(r.self - self) < 1e-6f * self;
    for (size_t e = 0; same && e < col.size(); ++e) same = std::abs(r.weight[e] - weight[e]) < 1e-6f * weight[e];
    rows_equal += same;
    ++rows;
  }
  CHECK(rows_equal == rows);
  w.barrier();
  if (w.is_root()) std::filesystem::remove_all(dir);
}
