// Two-tier genotyping of candidate sites for one sample.
//
//   every example (one per alt, one per pair of alts at multi-allelic sites)
//     -> pileup-count features (Kokkos) -> RNN, in batches of model.batch_size
//     -> genotype posterior per site (genotype.hpp)
//   sites whose RNN GQ < model.cnn_gq_threshold
//     -> pileup images (Kokkos) -> CNN -> the site's posterior is replaced
//
// Weights are loaded once and stay resident on the backend (GPU when present,
// chosen by node-local rank, else oneDNN on the CPU); descriptors and
// primitives are cached by the backend per batch shape, so the hot path is
// kernels and GEMMs only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dvhpc/candidates.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/genotype.hpp"
#include "dvhpc/read_batch.hpp"
#include "kernels/pileup_builder.hpp"

namespace dvhpc {

class StageTimes;
namespace nn {
class Backend;
class Model;
}  // namespace nn

struct GenotyperStats {
  int64_t sites = 0, examples = 0, cnn_sites = 0, cnn_examples = 0;
};

class Genotyper {
 public:
  // Loads model.rnn, and model.cnn unless cnn_gq_threshold <= 0. Throws
  // Error(Input) naming the file when a model is missing or does not match
  // the architecture.
  Genotyper(const Config& cfg, int local_rank);
  ~Genotyper();

  std::vector<GenotypeCall> genotype(const ReadBatch& batch, const Region& window, const std::string& ref,
                                     const std::vector<Candidate>& sites, StageTimes& times);

  const GenotyperStats& stats() const { return stats_; }
  std::string backend_name() const;
  // Size and hash of the model files in use, so that a resumed `call` does
  // not reuse shards genotyped by other weights behind the same file names.
  const std::string& model_digest() const { return model_digest_; }

 private:
  // Probabilities [n, 3] for `n` examples of `numel` floats each.
  std::vector<float> predict(nn::Model& m, const std::vector<float>& x, int64_t n, const std::vector<int64_t>& shape);

  Config cfg_;
  PileupBuilder builder_;
  std::unique_ptr<nn::Backend> be_;
  std::unique_ptr<nn::Model> rnn_, cnn_;
  GenotyperStats stats_;
  std::string model_digest_;
  bool gpu_ = false;
};

}  // namespace dvhpc
