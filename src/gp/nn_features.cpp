#include "nn_features.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"
#include "src/pca/dense_linalg.hpp"
#include "src/pca/standardized_genotypes.hpp"

namespace dvhpc::gp {

std::shared_ptr<const SampleFeatures> sample_features(const Comm& comm, const StandardizedGenotypes& x,
                                                      int64_t max_components) {
  auto f = std::make_shared<SampleFeatures>();
  const int64_t n = f->n = x.cols();
  // Products in double (see the header), summed over ranks.
  f->relationship.assign(static_cast<size_t>(n * n), 0.0);
  x.gram_samples(f->relationship.data());
  comm.allreduce_sum(f->relationship.data(), n * n);
  // [width, eigenvalues..., scores...] from rank 0.
  std::vector<double> packed;
  std::string error;
  if (comm.is_root()) {
    try {
      const std::vector<double>& k = f->relationship;
      std::vector<double> cm(static_cast<size_t>(n), 0.0);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) cm[static_cast<size_t>(j)] += k[static_cast<size_t>(i * n + j)] / n;
      const double mm = std::accumulate(cm.begin(), cm.end(), 0.0) / n;
      std::vector<double> kc(k.size());
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
          kc[static_cast<size_t>(i * n + j)] =
              k[static_cast<size_t>(i * n + j)] - cm[static_cast<size_t>(i)] - cm[static_cast<size_t>(j)] + mm;
      std::vector<double> s, u;
      linalg::symmetric_eigen(kc, n, n, s, u);
      const int64_t found = static_cast<int64_t>(s.size());
      // Non-null: above rounding of the largest (centring leaves one null
      // direction; n > variants leaves more).
      int64_t w = 0;
      while (w < found && s[static_cast<size_t>(w)] > 1e-8 * std::max(s[0], 1e-300)) ++w;
      if (max_components > 0) w = std::min(w, max_components);
      if (w == 0) throw Error(ErrorKind::Input, "the genotypes do not vary between samples: no input for mlp/gcn");
      packed.push_back(static_cast<double>(w));
      packed.insert(packed.end(), s.begin(), s.begin() + w);
      // An eigenvector's sign is arbitrary, and the relationship matrix
      // differs in rounding between rank counts (summation order): fix the
      // sign by the largest entry, so 1 and N ranks train on the same inputs.
      std::vector<double> sign(static_cast<size_t>(w), 1.0);
      for (int64_t j = 0; j < w; ++j) {
        double big = 0;
        for (int64_t i = 0; i < n; ++i) {
          const double v = u[static_cast<size_t>(i * found + j)];
          if (std::abs(v) > std::abs(big)) big = v;
        }
        sign[static_cast<size_t>(j)] = big < 0 ? -1.0 : 1.0;
      }
      const double unit = std::sqrt(static_cast<double>(n) / s[0]);  // PC1 score sd -> 1
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < w; ++j)
          packed.push_back(sign[static_cast<size_t>(j)] * u[static_cast<size_t>(i * found + j)] *
                           std::sqrt(s[static_cast<size_t>(j)]) * unit);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  comm.agree_or_throw(error, ErrorKind::Input);
  int64_t size = static_cast<int64_t>(packed.size());
  DVHPC_CHECK_MPI(MPI_Bcast(&size, 1, MPI_INT64_T, 0, comm.raw()));
  packed.resize(static_cast<size_t>(size));
  DVHPC_CHECK_MPI(MPI_Bcast(packed.data(), static_cast<int>(size), MPI_DOUBLE, 0, comm.raw()));
  const int64_t w = f->width = static_cast<int64_t>(packed[0]);
  const double* values = packed.data() + 1;
  const double* scores = values + w;
  f->scores.assign(scores, scores + n * w);
  f->basis.resize(static_cast<size_t>(n * w));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < w; ++j) f->basis[static_cast<size_t>(i * w + j)] = scores[i * w + j] / values[j];
  log::info("mlp/gcn inputs: {} principal-component scores per sample (of {} samples)", f->width, n);
  return f;
}

void Propagation::apply(const float* in, int64_t w, float* out) const {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    float* o = out + i * w;
    std::fill(o, o + w, 0.0f);
    for (int64_t e = start[static_cast<size_t>(i)]; e < start[static_cast<size_t>(i) + 1]; ++e) {
      const float a = weight[static_cast<size_t>(e)];
      const float* r = in + col[static_cast<size_t>(e)] * w;
      for (int64_t c = 0; c < w; ++c) o[c] += a * r[c];
    }
  }
}

Propagation knn_propagation(const SampleFeatures& f, int64_t k) {
  const int64_t n = f.n;
  const std::vector<double>& K = f.relationship;
  k = std::min<int64_t>(k, n - 1);
  Propagation p;
  p.n = n;
  p.k = k;
  p.kth_similarity.assign(static_cast<size_t>(n), -1e300);
  std::vector<std::vector<int64_t>> adj(static_cast<size_t>(n));
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::vector<double> sim(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double di = K[static_cast<size_t>(i * n + i)];
    for (int64_t j = 0; j < n; ++j) {
      const double dj = K[static_cast<size_t>(j * n + j)];
      sim[static_cast<size_t>(j)] = di > 0 && dj > 0 ? K[static_cast<size_t>(i * n + j)] / std::sqrt(di * dj) : 0.0;
    }
    sim[static_cast<size_t>(i)] = -1e300;  // not its own neighbour (self loops come from + I)
    std::iota(idx.begin(), idx.end(), 0);
    // Ties broken by index: the graph must not depend on the sort's whims.
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int64_t a, int64_t b) {
      const double sa = sim[static_cast<size_t>(a)], sb = sim[static_cast<size_t>(b)];
      return sa > sb || (sa == sb && a < b);
    });
    if (k > 0) p.kth_similarity[static_cast<size_t>(i)] = sim[static_cast<size_t>(idx[static_cast<size_t>(k - 1)])];
    for (int64_t e = 0; e < k; ++e) {
      adj[static_cast<size_t>(i)].push_back(idx[static_cast<size_t>(e)]);
      adj[static_cast<size_t>(idx[static_cast<size_t>(e)])].push_back(i);
    }
  }
  p.start.push_back(0);
  std::vector<double> deg(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    auto& a = adj[static_cast<size_t>(i)];
    a.push_back(i);  // + I
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    deg[static_cast<size_t>(i)] = static_cast<double>(a.size());
  }
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j : adj[static_cast<size_t>(i)]) {
      p.col.push_back(j);
      p.weight.push_back(static_cast<float>(1.0 / std::sqrt(deg[static_cast<size_t>(i)] * deg[static_cast<size_t>(j)])));
    }
    p.start.push_back(static_cast<int64_t>(p.col.size()));
  }
  return p;
}

std::vector<float> TargetScale::standardise(const std::vector<std::vector<double>>& targets) {
  const size_t T = targets.size(), n = T ? targets[0].size() : 0;
  mean.assign(T, 0.0);
  sd.assign(T, 1.0);
  std::vector<float> z(n * T);
  for (size_t t = 0; t < T; ++t) {
    double s = 0, ss = 0;
    for (double v : targets[t]) s += v;
    mean[t] = n ? s / static_cast<double>(n) : 0.0;
    for (double v : targets[t]) ss += (v - mean[t]) * (v - mean[t]);
    const double sdv = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
    sd[t] = sdv > 0 ? sdv : 1.0;
    for (size_t i = 0; i < n; ++i) z[i * T + t] = static_cast<float>((targets[t][i] - mean[t]) / sd[t]);
  }
  return z;
}

}  // namespace dvhpc::gp
