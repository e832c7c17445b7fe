// Two-tier genotyping of candidate sites for one sample.
//
//   every example (one per alt, one per pair of alts at multi-allelic sites)
//     -> pileup-count features (Kokkos) -> RNN, in batches of model.batch_size
//     -> genotype posterior per site (genotype_call.hpp)
//   sites whose RNN GQ < model.cnn_gq_threshold
//     -> pileup images (Kokkos) -> NCHW floats (Kokkos) -> CNN
//     -> the site's posterior is replaced
//
// Everything runs on the rank's DeviceContext: the kernels over the shard's
// reads as uploaded once (kernels/device_reads.hpp), their features and
// images handed to the networks as tensors over the same memory
// (device_tensor.hpp), so on a GPU only the probabilities ([examples, 3])
// and the read-support totals come back to the host.
//
// Each step is a method with the narrow input it needs, so the caller times
// the stages from outside (src/call/genotype_stages.hpp: "features", "rnn",
// "images", "cnn"); nothing here knows about stage timing.
//
// Weights are loaded once and stay resident on the backend (GPU when present,
// the rank's, else oneDNN on the CPU); descriptors and
// primitives are cached by the backend per batch shape, so the hot path is
// kernels and GEMMs only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dvhpc/candidates.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/genotype_call.hpp"
#include "dvhpc/nn/tensor.hpp"
#include "dvhpc/read_batch.hpp"
#include "kernels/device_reads.hpp"
#include "kernels/pileup_builder.hpp"

namespace dvhpc {

class DeviceContext;
namespace nn {
class Model;
}  // namespace nn

// What one sample's genotyping reads: the shard's reads and reference, and the sites.
struct GenotypeInput {
  const ReadBatch& batch;
  const kernels::DeviceReads& reads;  // the same reads, uploaded for the kernels
  const Region& window;     // the reads' span (the shard with its margins)
  const std::string& ref;   // reference bases of `window`
  const std::vector<Candidate>& sites;
};

// Every example of the sites (one per alt, one per alt pair) with its count features.
struct RnnExamples {
  std::vector<ExampleQuery> queries;
  nn::Tensor features;                  // [examples, feature_window, channels], on the backend
  std::vector<ExampleSupport> support;  // realigned read support (AD at indel sites)
};

// The sites whose RNN GQ is below model.cnn_gq_threshold, their examples,
// and the groups of nearby examples they go through the CNN in.
struct CnnExamples {
  std::vector<Candidate> sites;
  std::vector<size_t> index;  // of each in the input sites
  std::vector<ExampleQuery> queries;
  std::vector<std::pair<size_t, size_t>> groups;  // [begin, end) of queries; a site's examples stay together
  std::vector<float> probs;   // [queries, 3], filled group by group by cnn()
};

struct GenotyperStats {
  int64_t sites = 0, examples = 0, cnn_sites = 0, cnn_examples = 0;
};

class Genotyper {
 public:
  // Loads model.rnn, and model.cnn unless cnn_gq_threshold <= 0, onto the
  // backend of `dev` (which must outlive the Genotyper). Throws Error(Input)
  // naming the file when a model is missing or does not match the architecture.
  Genotyper(const Config& cfg, DeviceContext& dev);
  ~Genotyper();

  // Count features of every example (Kokkos).
  RnnExamples features(const GenotypeInput& in);
  // The RNN on every example -> one call per site (AD from realignment at indel sites).
  std::vector<GenotypeCall> rnn(const GenotypeInput& in, const RnnExamples& ex);
  // The sites the CNN re-examines (none when the CNN is off).
  CnnExamples hard_sites(const GenotypeInput& in, const std::vector<GenotypeCall>& calls) const;
  // Pileup images of one group of hard examples, as an NCHW tensor on the
  // backend. Its memory is reused by the next group's (no fresh pages per
  // group): run cnn() on it first.
  nn::Tensor images(const GenotypeInput& in, const CnnExamples& hard, size_t group);
  // The CNN on one group's images.
  void cnn(CnnExamples& hard, size_t group, const nn::Tensor& nchw);
  // The hard sites' calls replaced by the CNN's (their realigned AD kept).
  void merge(CnnExamples& hard, std::vector<GenotypeCall>& calls);

  const GenotyperStats& stats() const { return stats_; }
  std::string backend_name() const;
  // Size and hash of the model files in use, so that a resumed `call` does
  // not reuse shards genotyped by other weights behind the same file names.
  const std::string& model_digest() const { return model_digest_; }
  // The model files read (config paths resolved, include/dvhpc/model_path.hpp);
  // cnn_path() is empty when the CNN is off.
  const std::string& rnn_path() const { return rnn_path_; }
  const std::string& cnn_path() const { return cnn_path_; }

 private:
  // Probabilities [n, 3] of the examples in x (rows), in batches.
  std::vector<float> predict(nn::Model& m, const nn::Tensor& x);

  Config cfg_;
  PileupBuilder builder_;
  DeviceContext& dev_;
  // Workspaces of images(): they grow, never shrink.
  kernels::ImageView<kernels::MemSpace> image_buf_;
  kernels::NchwView<kernels::MemSpace> nchw_buf_;
  std::unique_ptr<nn::Model> rnn_, cnn_;
  GenotyperStats stats_;
  std::string model_digest_;
  std::string rnn_path_, cnn_path_;
  bool gpu_ = false;
};

}  // namespace dvhpc
