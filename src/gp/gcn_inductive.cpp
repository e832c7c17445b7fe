#include "gcn_inductive.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "dvhpc/error.hpp"

namespace dvhpc::gp {
namespace {

// Twins: scores equal to a node's within this share of the node's norm. The
// saved loadings reproduce a training sample's scores to ~1e-6 of PC1's sd
// (float weights), far inside it; two distinct samples this close are the
// same genotypes for every practical purpose.
constexpr double kTwin = 1e-4;
// Similarities from scores and from K agree to float rounding of the
// scores; a node's k-th-nearest threshold is met within this slack, so a
// tie in training (s as similar as the k-th nearest) is an edge here.
constexpr double kTie = 1e-6;

}  // namespace

std::vector<double> node_norms(const GcnGraph& g) {
  std::vector<double> out(static_cast<size_t>(g.a.n));
  for (int64_t j = 0; j < g.a.n; ++j) {
    double s = 0;
    for (int64_t c = 0; c < g.width; ++c) {
      const double v = g.scores[static_cast<size_t>(j * g.width + c)];
      s += v * v;
    }
    out[static_cast<size_t>(j)] = std::sqrt(s);
  }
  return out;
}

InductiveRow inductive_row(const GcnGraph& g, const std::vector<double>& norms, const float* fs, int64_t exclude) {
  const int64_t n = g.a.n, w = g.width;
  double ns = 0;
  for (int64_t c = 0; c < w; ++c) ns += static_cast<double>(fs[c]) * fs[c];
  ns = std::sqrt(ns);
  std::vector<double> sim(static_cast<size_t>(n));
  InductiveRow row;
  double twin_d2 = 1e300;
  for (int64_t j = 0; j < n; ++j) {
    const float* fj = g.scores.data() + j * w;
    double dot = 0, d2 = 0;
    for (int64_t c = 0; c < w; ++c) {
      dot += static_cast<double>(fs[c]) * fj[c];
      const double d = static_cast<double>(fs[c]) - fj[c];
      d2 += d * d;
    }
    const double nj = norms[static_cast<size_t>(j)];
    sim[static_cast<size_t>(j)] = ns > 0 && nj > 0 ? dot / (ns * nj) : 0.0;
    if (j == exclude) {
      sim[static_cast<size_t>(j)] = -1e300;
      continue;
    }
    if (d2 <= kTwin * kTwin * nj * nj && d2 < twin_d2) twin_d2 = d2, row.twin = j;
  }
  if (row.twin >= 0) return row;
  // k nearest, ties by index (as knn_propagation).
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  const int64_t k = std::min<int64_t>(g.a.k, n - (exclude >= 0 ? 1 : 0));
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int64_t a, int64_t b) {
    const double sa = sim[static_cast<size_t>(a)], sb = sim[static_cast<size_t>(b)];
    return sa > sb || (sa == sb && a < b);
  });
  std::vector<int64_t> nb(idx.begin(), idx.begin() + k);
  // Symmetrising: nodes that would have s among their k nearest.
  for (int64_t j = 0; j < n; ++j) {
    const double t = g.a.kth_similarity[static_cast<size_t>(j)];
    if (j != exclude && sim[static_cast<size_t>(j)] >= t - kTie * std::abs(t)) nb.push_back(j);
  }
  std::sort(nb.begin(), nb.end());
  nb.erase(std::unique(nb.begin(), nb.end()), nb.end());
  const double deg = 1.0 + static_cast<double>(nb.size());
  row.self = static_cast<float>(1.0 / deg);
  for (int64_t j : nb) {
    const double dj = static_cast<double>(g.a.start[static_cast<size_t>(j) + 1] - g.a.start[static_cast<size_t>(j)]);
    row.col.push_back(j);
    row.weight.push_back(static_cast<float>(1.0 / std::sqrt(deg * dj)));
  }
  return row;
}

std::vector<float> gcn_outputs_new(SampleNet& net, const GcnGraph& g, const std::vector<float>& fs, int64_t m) {
  const int64_t n = g.a.n, w = g.width, T = net.out;
  if (static_cast<int64_t>(fs.size()) != m * w) throw Error(ErrorKind::Internal, "gcn_outputs_new: scores size");
  // The training nodes' outputs, as GcnModel::outputs forms them.
  std::vector<float> af(static_cast<size_t>(n * w));
  g.a.apply(g.scores.data(), w, af.data());
  const std::vector<float> z = net.backend->to_host(net.forward(af, n, false));
  const std::vector<double> norms = node_norms(g);
  std::vector<InductiveRow> rows(static_cast<size_t>(m));
  std::vector<float> h;  // first propagation of the samples that are not twins
  std::vector<int64_t> fresh;
  for (int64_t s = 0; s < m; ++s) {
    InductiveRow& r = rows[static_cast<size_t>(s)];
    r = inductive_row(g, norms, fs.data() + s * w);
    if (r.twin >= 0) continue;
    fresh.push_back(s);
    const size_t at = h.size();
    h.resize(at + static_cast<size_t>(w), 0.0f);
    for (int64_t c = 0; c < w; ++c) h[at + static_cast<size_t>(c)] = r.self * fs[static_cast<size_t>(s * w + c)];
    for (size_t e = 0; e < r.col.size(); ++e)
      for (int64_t c = 0; c < w; ++c)
        h[at + static_cast<size_t>(c)] += r.weight[e] * g.scores[static_cast<size_t>(r.col[e] * w + c)];
  }
  std::vector<float> zf;
  if (!fresh.empty()) zf = net.backend->to_host(net.forward(h, static_cast<int64_t>(fresh.size()), false));
  std::vector<float> out(static_cast<size_t>(m * T), 0.0f);
  size_t next = 0;
  for (int64_t s = 0; s < m; ++s) {
    const InductiveRow& r = rows[static_cast<size_t>(s)];
    float* o = out.data() + s * T;
    if (r.twin >= 0) {  // node r.twin's output, summed as GcnModel::outputs does
      for (int64_t q = g.a.start[static_cast<size_t>(r.twin)]; q < g.a.start[static_cast<size_t>(r.twin) + 1]; ++q)
        for (int64_t t = 0; t < T; ++t)
          o[t] += g.a.weight[static_cast<size_t>(q)] * z[static_cast<size_t>(g.a.col[static_cast<size_t>(q)] * T + t)];
      continue;
    }
    for (int64_t t = 0; t < T; ++t) o[t] = r.self * zf[next * static_cast<size_t>(T) + static_cast<size_t>(t)];
    for (size_t e = 0; e < r.col.size(); ++e)
      for (int64_t t = 0; t < T; ++t) o[t] += r.weight[e] * z[static_cast<size_t>(r.col[e] * T + t)];
    ++next;
  }
  return out;
}

}  // namespace dvhpc::gp
