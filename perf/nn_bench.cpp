// Throughput of the two variant-calling networks: inference (predict) and
// one training step (forward + loss + backward + Adam), in examples/s, for
// each backend available (CPU always, GPU when present) and batch size.
//
//   nn_bench [--backend cpu|gpu|all] [--models rnn,cnn] [--batches 1,64,1024]
//            [--min-seconds 2] [--rnn-hidden 64] [--precision fp32|bf16|fp16]
// Threads: OMP_NUM_THREADS (oneDNN uses OpenMP). Prints one line per case.
#include <chrono>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/init.hpp"
#include "dvhpc/nn/model.hpp"

using namespace dvhpc::nn;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(item);
  return out;
}

// Runs fn at least twice after one warm-up call, until min_seconds pass.
double rate(int64_t batch, double min_seconds, const std::function<void()>& fn, Backend& be) {
  fn();
  be.synchronize();
  int64_t iters = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  do {
    fn();
    be.synchronize();
    ++iters;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < min_seconds || iters < 2);
  return static_cast<double>(iters * batch) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  std::string backends = "all", models = "rnn,cnn", batches = "1,64,1024", precision = "fp32";
  double min_seconds = 2.0;
  int64_t rnn_hidden = PileupRnnConfig{}.hidden;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--backend") backends = v;
    else if (k == "--models") models = v;
    else if (k == "--batches") batches = v;
    else if (k == "--min-seconds") min_seconds = std::atof(v.c_str());
    else if (k == "--rnn-hidden") rnn_hidden = std::atoll(v.c_str());
    else if (k == "--precision") precision = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  const Precision prec = precision == "bf16" ? Precision::Bf16 : precision == "fp16" ? Precision::Fp16 : Precision::Fp32;
  std::vector<std::string> kinds;
  if (backends == "all") {
    kinds.push_back("cpu");
    if (gpu_device_count() > 0) kinds.push_back("gpu");
  } else {
    kinds = split(backends);
  }
  const char* threads = std::getenv("OMP_NUM_THREADS");
  std::printf("%-4s %-5s %6s %14s %14s   (OMP_NUM_THREADS=%s, rnn hidden %lld, gpu precision %s)\n", "dev",
              "model", "batch", "infer ex/s", "train ex/s", threads ? threads : "unset",
              static_cast<long long>(rnn_hidden), precision.c_str());
  for (const std::string& kind : kinds) {
    auto be = make_backend(kind, prec);
    for (const std::string& model : split(models)) {
      std::unique_ptr<Model> m;
      Shape example;
      if (model == "rnn") {
        PileupRnnConfig c;
        c.hidden = rnn_hidden;
        m = make_pileup_rnn(*be, c);
        example = {c.positions, c.channels};
      } else {
        m = make_pileup_cnn(*be);
        example = {7, 100, 221};
      }
      Adam opt(*be, m->parameters(), AdamParams{});
      for (const std::string& bs : split(batches)) {
        const int64_t n = std::atoll(bs.c_str());
        Shape shape{n};
        shape.insert(shape.end(), example.begin(), example.end());
        std::vector<float> host(static_cast<size_t>(shape_numel(shape)));
        Rng rng(1);
        for (float& v : host) v = static_cast<float>(rng.uniform());
        Tensor x = be->from_host(shape, host);
        std::vector<int32_t> labels(n);
        for (int64_t i = 0; i < n; ++i) labels[i] = static_cast<int32_t>(i % 3);
        const double infer = rate(n, min_seconds, [&] { m->predict(x); }, *be);
        const double train = rate(n, min_seconds, [&] { m->train_step(x, labels.data(), opt); }, *be);
        std::printf("%-4s %-5s %6lld %14.1f %14.1f\n", kind.c_str(), model.c_str(), static_cast<long long>(n), infer,
                    train);
        std::fflush(stdout);
      }
    }
  }
  return 0;
}
