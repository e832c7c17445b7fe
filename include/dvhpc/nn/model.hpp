// Model: a named network (Sequential) plus its training step, and the two
// variant-calling architectures.
//
// Pileup-count RNN (Clair3-like), input [N, 33 positions, 18 channels]:
//   BiLSTM(18 -> 2H) -> BiLSTM(2H -> 2H) -> Flatten(33*2H) -> Dense(fc) -> ReLU
//   -> Dropout -> Dense(3)  (genotype logits: hom-ref, het, hom-alt)
// The BiLSTM reads every position of the window in both directions; flattening
// (rather than pooling) keeps which position a signal came from, which matters
// because the candidate sits at the centre.
// Hidden size 48 per direction: LSTM cost grows with H*(In+H), and at 48 the
// fp32 oneDNN CPU path infers ~21,000 candidates/s per core (the project's
// 20,000/s/core target); H=64 gives ~14,000/s, H=32 ~37,000/s (perf/RESULTS_nn.md).
// 96 features per position still exceed the 18 input channels five-fold.
// Set PileupRnnConfig::hidden = 64 or 128 where accuracy proves to need it.
//
// Pileup-image CNN, input NCHW [N, C=7, H=100 reads, W=221 positions]:
//   stem conv3x3/2 (C->32) + BN + ReLU                      -> 32 x 50 x 111
//   3 residual basic blocks, each stride 2, widths 48,64,128 -> 128 x 7 x 14
//   global average pool -> Dense(3)
// About 0.22 GFLOP per image, ~30x less than DeepVariant's Inception-v3
// (~6 GFLOP at 100x221). Why this size: pileup images carry low-level,
// local signal (base, quality, strand per read and column) with no
// object-scale structure, so depth beyond a ~30-column receptive field buys
// little, and the calls depend on the few columns around the centre.
// Striding from the first layer removes the redundant read axis early
// (reads are exchangeable), spending FLOPs where width pays: channels grow
// as resolution drops, and global pooling replaces large dense layers.
// Residual blocks with batch norm keep the 7-conv net easy to train.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dvhpc/nn/inference_plan.hpp"
#include "dvhpc/nn/loss.hpp"
#include "dvhpc/nn/optimizer.hpp"
#include "dvhpc/nn/sequential.hpp"

namespace dvhpc::nn {

class Model {
 public:
  Model(Backend& be, std::string arch) : be_(be), arch_(std::move(arch)), net_(be, arch_), loss_(be) {}
  Backend& backend() const { return be_; }
  const std::string& arch() const { return arch_; }
  Sequential& net() { return net_; }

  Tensor forward(const Tensor& x, bool training) { return net_.forward(x, training); }
  // Softmax class probabilities [N, classes] (inference mode).
  Tensor predict(const Tensor& x);
  // Whether predict() runs the backend's fused path (known after a first predict).
  bool fused_inference() const { return plan_ != nullptr; }
  // One training step: forward, loss, backward, optimizer update. Returns the loss.
  float train_step(const Tensor& x, const int32_t* labels, Optimizer& opt);
  // Forward + loss + backward only (gradients left in the parameters).
  float compute_gradients(const Tensor& x, const int32_t* labels, Tensor* input_grad = nullptr);

  std::vector<Param*> parameters();
  std::vector<Param*> buffers();
  int64_t parameter_count();

 private:
  Backend& be_;
  std::string arch_;
  Sequential net_;
  SoftmaxCrossEntropy loss_;
  std::unique_ptr<InferencePlan> plan_;  // the backend's fused path, if any
  bool plan_checked_ = false;
};

struct PileupRnnConfig {
  int64_t positions = 33, channels = 18;
  int64_t hidden = 48;  // per direction (see the throughput note above)
  int layers = 2;
  int64_t fc = 64;
  float dropout = 0.2f;
  int64_t classes = 3;
  uint64_t seed = 1;
};

struct PileupCnnConfig {
  int64_t channels = 7, height = 100, width = 221;
  int64_t stem = 32;
  std::vector<int64_t> widths{48, 64, 128};  // one stride-2 residual block each
  int64_t classes = 3;
  uint64_t seed = 1;
};

std::unique_ptr<Model> make_pileup_rnn(Backend& be, const PileupRnnConfig& cfg = {});
std::unique_ptr<Model> make_pileup_cnn(Backend& be, const PileupCnnConfig& cfg = {});

}  // namespace dvhpc::nn
