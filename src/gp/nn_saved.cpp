#include "nn_saved.hpp"

#include <algorithm>
#include <cmath>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/h5_read.hpp"
#include "src/pca/standardized_genotypes.hpp"

extern "C" void dgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k, const double* alpha,
                       const double* a, const int* lda, const double* b, const int* ldb, const double* beta, double* c,
                       const int* ldc);

namespace dvhpc::gp {
namespace {

template <typename V>
V root_only(bool root, const V& v) {
  return root ? v : V{};
}

std::string net_group(const std::string& model, size_t g) { return "/models/" + model + "/net" + std::to_string(g + 1); }

}  // namespace

std::vector<float> score_loadings(const StandardizedGenotypes& x, const SampleFeatures& f) {
  DVHPC_ASSERT(!x.scaled(), "score_loadings: the networks' markers are centred, not scaled");
  const int64_t n = x.cols(), w = f.width, rows = x.rows();
  DVHPC_ASSERT(n == f.n && n <= 2147483647 && w <= 2147483647, "score_loadings: sizes");
  std::vector<float> out(static_cast<size_t>(rows * w));
  // Tiles of 64 rows decoded to double (g - 2p, missing 0: the values
  // projection uses), times basis [n, w] by dgemm.
  constexpr int64_t kTile = 64;
  std::vector<double> tile(static_cast<size_t>(kTile * n)), l(static_cast<size_t>(kTile * w));
  const GenotypeMatrix& m = x.matrix();
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const int64_t nr = std::min(kTile, rows - r0);
    for (int64_t r = 0; r < nr; ++r) {
      const double p = x.alt_freq()[static_cast<size_t>(r0 + r)];
      const uint8_t* row = m.row(x.kept()[static_cast<size_t>(r0 + r)]);
      for (int64_t i = 0; i < n; ++i) {
        const int g = alt_copies(code_at(row, i));
        tile[static_cast<size_t>(r * n + i)] = g < 0 ? 0.0 : g - 2.0 * p;
      }
    }
    // Row-major C [nr, w] = A [nr, n] B [n, w] is column-major C^T = B^T A^T.
    const int wi = static_cast<int>(w), nri = static_cast<int>(nr), ni = static_cast<int>(n);
    const double one = 1.0, zero = 0.0;
    dgemm_("N", "N", &wi, &nri, &ni, &one, f.basis.data(), &wi, tile.data(), &ni, &zero, l.data(), &wi);
    std::transform(l.begin(), l.begin() + nr * w, out.begin() + r0 * w, [](double v) { return static_cast<float>(v); });
  }
  return out;
}

void write_nn_inputs(H5File& f, const StandardizedGenotypes& x, const SampleFeatures& features, bool root) {
  // Every rank writes its own variants' rows, in rank order (the variants'
  // order, as GBLUP's effects).
  std::vector<std::string> id, a1, a2;
  for (int64_t i = 0; i < x.rows(); ++i) {
    const VariantId& v = x.matrix().variants[static_cast<size_t>(x.kept()[static_cast<size_t>(i)])];
    id.push_back(v.id);
    a1.push_back(v.alt);
    a2.push_back(v.ref);
  }
  f.create_group("/nn/variants");
  f.write_column("/nn/variants/id", id);
  f.write_column("/nn/variants/a1", a1);
  f.write_column("/nn/variants/a2", a2);
  f.write_column("/nn/variants/a1_freq", x.alt_freq());
  f.write_array("/nn/loadings", score_loadings(x, features), {features.width});
  f.write_attribute("/nn/loadings", "meaning",
                    "per variant: a sample's principal-component scores (the networks' inputs) = sum over variants of "
                    "(copies of a1 - 2 a1_freq) * row, missing genotypes 0");
  // The scores are identical on every rank: rank 0 writes them.
  f.write_array("/nn/scores", root_only(root, features.scores), {features.width});
}

void write_neural_fit(H5File& f, const NeuralFit& fit, bool root) {
  const std::string m = "/models/" + fit.name;
  f.create_group(m);
  f.write_column(m + "/nets", root_only(root, std::vector<int64_t>{static_cast<int64_t>(fit.nets.size())}));
  for (size_t g = 0; g < fit.nets.size(); ++g) {
    const SavedNet& s = fit.nets[g];
    const std::string p = net_group(fit.name, g);
    f.create_group(p);
    f.write_column(p + "/traits", root_only(root, s.traits));
    f.write_column(p + "/hidden", root_only(root, s.hidden));
    f.write_column(p + "/weights", root_only(root, s.weights));
    f.write_attribute(p + "/weights", "layout", s.layout);
    f.write_column(p + "/mean", root_only(root, s.mean));
    f.write_column(p + "/sd", root_only(root, s.sd));
  }
  if (fit.graph.a.n > 0) {
    const Propagation& a = fit.graph.a;
    f.create_group(m + "/graph");
    f.write_column(m + "/graph/neighbours", root_only(root, std::vector<int64_t>{a.k}));
    f.write_column(m + "/graph/start", root_only(root, a.start));
    f.write_column(m + "/graph/col", root_only(root, a.col));
    f.write_column(m + "/graph/weight", root_only(root, a.weight));
    f.write_column(m + "/graph/kth_similarity", root_only(root, a.kth_similarity));
  }
}

NnInputs read_nn_inputs(hid_t file, const std::string& path) {
  NnInputs in;
  Loadings& L = in.loadings;
  L.id = h5_read_strings(file, path, "/nn/variants/id");
  L.a1 = h5_read_strings(file, path, "/nn/variants/a1");
  L.a2 = h5_read_strings(file, path, "/nn/variants/a2");
  L.freq = h5_read_double(file, path, "/nn/variants/a1_freq");
  L.weight = h5_read_float(file, path, "/nn/loadings");
  in.scores = h5_read_float(file, path, "/nn/scores");
  const size_t v = L.id.size();
  if (v == 0 || L.a1.size() != v || L.a2.size() != v || L.freq.size() != v || L.weight.size() % v != 0)
    throw Error(ErrorKind::Input, "'" + path + "': /nn/variants and /nn/loadings disagree in size");
  L.k = static_cast<int>(L.weight.size() / v);
  if (in.scores.size() % static_cast<size_t>(L.k) != 0)
    throw Error(ErrorKind::Input, "'" + path + "': /nn/scores is not [samples, " + std::to_string(L.k) + "]");
  return in;
}

NeuralFit read_neural_fit(hid_t file, const std::string& path, const std::string& name, size_t traits,
                          const NnInputs& inputs) {
  NeuralFit fit;
  fit.name = name;
  const std::string m = "/models/" + name;
  const auto count = h5_read_int64(file, path, m + "/nets");
  auto bad = [&](const std::string& what) { return Error(ErrorKind::Input, "'" + path + "': " + m + ": " + what); };
  if (count.size() != 1 || count[0] < 1) throw bad("no networks");
  const int64_t width = inputs.loadings.k;
  for (int64_t g = 0; g < count[0]; ++g) {
    const std::string p = net_group(name, static_cast<size_t>(g));
    SavedNet s;
    s.traits = h5_read_int64(file, path, p + "/traits");
    s.hidden = h5_read_int64(file, path, p + "/hidden");
    s.weights = h5_read_float(file, path, p + "/weights");
    s.mean = h5_read_double(file, path, p + "/mean");
    s.sd = h5_read_double(file, path, p + "/sd");
    s.inputs = width;
    if (s.traits.empty() || s.mean.size() != s.traits.size() || s.sd.size() != s.traits.size())
      throw bad("net" + std::to_string(g + 1) + ": traits, mean and sd disagree in size");
    for (int64_t t : s.traits)
      if (t < 0 || static_cast<size_t>(t) >= traits) throw bad("a trait index out of range");
    fit.nets.push_back(std::move(s));
  }
  if (name == "gcn") {
    GcnGraph& gr = fit.graph;
    gr.width = width;
    gr.scores = inputs.scores;
    Propagation& a = gr.a;
    a.n = static_cast<int64_t>(inputs.scores.size()) / width;
    const auto k = h5_read_int64(file, path, m + "/graph/neighbours");
    a.k = k.empty() ? 0 : k[0];
    a.start = h5_read_int64(file, path, m + "/graph/start");
    a.col = h5_read_int64(file, path, m + "/graph/col");
    a.weight = h5_read_float(file, path, m + "/graph/weight");
    a.kth_similarity = h5_read_double(file, path, m + "/graph/kth_similarity");
    const bool ok = a.start.size() == static_cast<size_t>(a.n) + 1 && a.kth_similarity.size() == static_cast<size_t>(a.n) &&
                    a.start.front() == 0 && a.start.back() == static_cast<int64_t>(a.col.size()) &&
                    a.weight.size() == a.col.size() &&
                    std::all_of(a.col.begin(), a.col.end(), [&](int64_t c) { return c >= 0 && c < a.n; });
    if (!ok) throw bad("the graph does not match /nn/scores");
  }
  return fit;
}

std::vector<float> project_scores(const Comm& comm, const NnInputs& in, const GenotypeMatrix& m, Projection* counts) {
  // project() standardises by sqrt(2p(1-p)); the loadings are per copy.
  Loadings L = in.loadings;
  const size_t w = static_cast<size_t>(L.k);
  for (size_t v = 0; v < L.id.size(); ++v) {
    const float s = static_cast<float>(std::sqrt(2 * L.freq[v] * (1 - L.freq[v])));
    for (size_t c = 0; c < w; ++c) L.weight[v * w + c] *= s;
  }
  Projection p = project(comm, L, m);
  std::vector<float> out(p.scores.begin(), p.scores.end());
  p.scores.clear();
  *counts = std::move(p);
  return out;
}

std::vector<std::vector<double>> predict_neural(const NeuralFit& fit, const std::vector<float>& fs, int64_t m,
                                                size_t traits) {
  const OneThread one_thread;
  std::vector<std::vector<double>> out(traits, std::vector<double>(static_cast<size_t>(m), std::nan("")));
  for (const SavedNet& s : fit.nets) {
    NnOptions o;
    o.hidden = s.hidden;
    const int64_t T = static_cast<int64_t>(s.traits.size());
    SampleNet net("gp_" + fit.name, s.inputs, T, o);
    net.set_weights(s.weights);
    std::vector<float> z;
    if (fit.name == "gcn") z = gcn_outputs_new(net, fit.graph, fs, m);
    else if (m > 0) z = net.backend->to_host(net.forward(fs, m, false));
    for (int64_t a = 0; a < T; ++a)
      for (int64_t i = 0; i < m; ++i)
        out[static_cast<size_t>(s.traits[static_cast<size_t>(a)])][static_cast<size_t>(i)] =
            s.mean[static_cast<size_t>(a)] + s.sd[static_cast<size_t>(a)] * z[static_cast<size_t>(i * T + a)];
  }
  return out;
}

}  // namespace dvhpc::gp
