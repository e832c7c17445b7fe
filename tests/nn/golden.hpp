// Reads the PyTorch golden files written by tests/nn/make_golden.py and
// compares tensors with a combined absolute/relative tolerance.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/layer.hpp"
#include "dvhpc/nn/model.hpp"

namespace dvhpc::nn::test {

struct GoldenTensor {
  Shape shape;
  std::vector<float> data;
};

class Golden {
 public:
  explicit Golden(const std::string& name) {
    // DVHPC_SOURCE_DIR in the environment: a checkout other than the one
    // built from (scripts/gpu_check.sh runs these tests on a GPU machine).
    const char* root = std::getenv("DVHPC_SOURCE_DIR");
    const std::string path = std::string(root ? root : DVHPC_SOURCE_DIR) + "/tests/nn/golden/" + name + ".bin";
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing golden file " << path << " (run tests/nn/make_golden.py)");
    while (in.peek() != EOF) {
      uint32_t len = 0, rank = 0;
      in.read(reinterpret_cast<char*>(&len), 4);
      std::string key(len, '\0');
      in.read(key.data(), len);
      in.read(reinterpret_cast<char*>(&rank), 4);
      GoldenTensor t;
      t.shape.resize(rank);
      in.read(reinterpret_cast<char*>(t.shape.data()), 8 * rank);
      t.data.resize(static_cast<size_t>(shape_numel(t.shape)));
      in.read(reinterpret_cast<char*>(t.data.data()), 4 * t.data.size());
      REQUIRE(in.good());
      items_[key] = std::move(t);
    }
  }
  const GoldenTensor& operator[](const std::string& key) const {
    auto it = items_.find(key);
    if (it == items_.end()) FAIL("golden has no entry '" << key << "'");
    return it->second;
  }
  bool has(const std::string& key) const { return items_.count(key) > 0; }
  Tensor tensor(Backend& be, const std::string& key) const {
    const auto& g = (*this)[key];
    return be.from_host(g.shape, g.data);
  }
  std::vector<int32_t> labels(const std::string& key = "labels") const {
    std::vector<int32_t> out;
    for (float v : (*this)[key].data) out.push_back(static_cast<int32_t>(v));
    return out;
  }

 private:
  std::map<std::string, GoldenTensor> items_;
};

// |a-b| <= atol + rtol*|b| elementwise; reports the worst element.
inline void check_close(const std::vector<float>& got, const GoldenTensor& want, const std::string& what,
                        float atol = 1e-4f, float rtol = 1e-3f) {
  REQUIRE_MESSAGE(got.size() == want.data.size(), what << ": size " << got.size() << " vs " << want.data.size());
  size_t worst = 0;
  double worst_excess = -1.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(double(got[i]) - want.data[i]);
    const double excess = err - (atol + rtol * std::fabs(want.data[i]));
    if (!std::isfinite(got[i]) || excess > worst_excess) {
      worst_excess = std::isfinite(got[i]) ? excess : 1e30;
      worst = i;
    }
  }
  CHECK_MESSAGE(worst_excess <= 0.0, what << ": element " << worst << " is " << got[worst] << ", expected "
                                          << want.data[worst]);
}

inline void check_close(Backend& be, const Tensor& got, const GoldenTensor& want, const std::string& what,
                        float atol = 1e-4f, float rtol = 1e-3f) {
  CHECK_MESSAGE(got.shape() == want.shape, what << ": shape " << shape_str(got.shape()) << " vs "
                                                << shape_str(want.shape));
  check_close(be.to_host(got), want, what, atol, rtol);
}

inline Param* find_param(std::vector<Param*> ps, const std::string& name) {
  for (Param* p : ps)
    if (p->name == name) return p;
  FAIL("no parameter named " << name);
  return nullptr;
}

// Uploads golden values "<prefix><param name>" into parameters (shapes checked).
inline void load_named(Backend& be, const std::vector<Param*>& ps, const Golden& g, const std::string& prefix) {
  for (Param* p : ps) {
    const auto& t = g[prefix + p->name];
    REQUIRE_MESSAGE(p->value.shape() == t.shape, p->name);
    be.upload(t.data.data(), p->value);
  }
}

// The small model configurations that make_golden.py builds in PyTorch.
inline PileupRnnConfig golden_rnn_config() {
  PileupRnnConfig c;
  c.positions = 7;
  c.hidden = 8;
  c.fc = 16;
  c.dropout = 0.0f;
  return c;
}
inline PileupCnnConfig golden_cnn_config() {
  PileupCnnConfig c;
  c.height = 20;
  c.width = 24;
  c.stem = 8;
  c.widths = {8, 12, 16};
  return c;
}

}  // namespace dvhpc::nn::test
