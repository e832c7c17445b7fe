#include "projection.hpp"

#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/h5_handle.hpp"
#include "dvhpc/h5_read.hpp"
#include "pca_solver.hpp"

namespace dvhpc {
namespace {

// One line per variant: id a1 a2 freq w_1 .. w_k (floats as exact hex).
std::string serialize(const StandardizedGenotypes& x, const PcaResult& r, int k) {
  std::string out;
  char buf[64];
  for (int64_t i = 0; i < x.rows(); ++i) {
    const VariantId& v = x.matrix().variants[static_cast<size_t>(x.kept()[static_cast<size_t>(i)])];
    out += v.id + '\t' + v.alt + '\t' + v.ref;
    std::snprintf(buf, sizeof buf, "\t%a", x.alt_freq()[static_cast<size_t>(i)]);
    out += buf;
    for (int j = 0; j < k; ++j) {
      std::snprintf(buf, sizeof buf, "\t%a", static_cast<double>(r.weights[static_cast<size_t>(i * k + j)]));
      out += buf;
    }
    out += '\n';
  }
  return out;
}

}  // namespace

Loadings gather_loadings(const Comm& comm, const StandardizedGenotypes& x, const PcaResult& r) {
  const int k = static_cast<int>(r.eigenvalues.size());
  // Order does not matter: new genotypes are matched by variant ID.
  const auto parts = comm.gather(serialize(x, r, k), 0);
  std::string all;
  for (const auto& p : parts) all += p;
  all = comm.broadcast(all, 0);
  Loadings L;
  L.k = k;
  L.eigenvalues = r.eigenvalues;
  std::istringstream in(all);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, a1, a2, num;
    f >> id >> a1 >> a2 >> num;
    L.id.push_back(id);
    L.a1.push_back(a1);
    L.a2.push_back(a2);
    L.freq.push_back(std::strtod(num.c_str(), nullptr));
    for (int j = 0; j < k; ++j) {
      f >> num;
      L.weight.push_back(static_cast<float>(std::strtod(num.c_str(), nullptr)));
    }
  }
  return L;
}

Loadings read_loadings(const std::string& path) {
  H5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (file.id < 0) throw Error(ErrorKind::Input, "cannot open '" + path + "' as HDF5");
  Loadings L;
  if (!h5_has(file.id, "/loadings") || !h5_has(file.id, "/variants"))
    throw Error(ErrorKind::Input, "'" + path + "' is not a PREFIX.pca.h5 of `dvhpc pca` (no /loadings, /variants)");
  L.id = h5_read_strings(file.id, path, "/variants/id");
  L.a1 = h5_read_strings(file.id, path, "/variants/a1");
  L.a2 = h5_read_strings(file.id, path, "/variants/a2");
  L.freq = h5_read_double(file.id, path, "/variants/a1_freq");
  L.weight = h5_read_float(file.id, path, "/loadings");
  L.eigenvalues = h5_read_double(file.id, path, "/eigenvalues");
  L.k = static_cast<int>(L.eigenvalues.size());
  if (L.a1.size() != L.id.size() || L.a2.size() != L.id.size() || L.freq.size() != L.id.size() ||
      L.weight.size() != L.id.size() * static_cast<size_t>(L.k))
    throw Error(ErrorKind::Input, "'" + path + "': /variants and /loadings disagree in size");
  return L;
}

Projection project(const Comm& comm, const Loadings& fit, const GenotypeMatrix& other) {
  std::unordered_map<std::string, int64_t> by_id;
  by_id.reserve(fit.id.size());
  for (size_t i = 0; i < fit.id.size(); ++i) by_id.emplace(fit.id[i], static_cast<int64_t>(i));
  const int k = fit.k;
  const int64_t n = other.n_samples();
  Projection P;
  P.samples = other.samples;
  std::vector<double> scores(static_cast<size_t>(n * k), 0.0);
  int64_t counts[4] = {0, 0, 0, 0};  // matched, flipped, mismatch, not in fit
  for (int64_t i = 0; i < other.local_variants(); ++i) {
    const VariantId& v = other.variants[static_cast<size_t>(i)];
    const auto it = by_id.find(v.id);
    if (it == by_id.end()) {
      ++counts[3];
      continue;
    }
    const size_t f = static_cast<size_t>(it->second);
    bool flip = false;
    if (v.alt == fit.a1[f] && v.ref == fit.a2[f]) {
      ++counts[0];
    } else if (v.alt == fit.a2[f] && v.ref == fit.a1[f]) {
      flip = true;
      ++counts[0];
      ++counts[1];
    } else {
      ++counts[2];
      continue;
    }
    const double p = fit.freq[f], s = std::sqrt(2.0 * p * (1.0 - p));
    double value[4];
    for (int c = 0; c < 4; ++c) {
      const int g = alt_copies(static_cast<uint8_t>(c));
      value[c] = g < 0 ? 0.0 : ((flip ? 2 - g : g) - 2.0 * p) / s;
    }
    const float* w = fit.weight.data() + f * static_cast<size_t>(k);
    const uint8_t* row = other.row(i);
    for (int64_t j = 0; j < n; ++j) {
      const double x = value[code_at(row, j)];
      if (x == 0.0) continue;
      for (int c = 0; c < k; ++c) scores[static_cast<size_t>(j * k + c)] += x * w[c];
    }
  }
  comm.allreduce_sum(scores.data(), static_cast<int64_t>(scores.size()));
  P.scores = std::move(scores);
  P.matched = comm.allreduce_sum(counts[0]);
  P.flipped = comm.allreduce_sum(counts[1]);
  P.allele_mismatch = comm.allreduce_sum(counts[2]);
  P.not_in_fit = comm.allreduce_sum(counts[3]);
  return P;
}

}  // namespace dvhpc
