#include "dvhpc/nn/model.hpp"

#include "dvhpc/nn/activation.hpp"
#include "dvhpc/nn/batch_norm.hpp"
#include "dvhpc/nn/conv2d.hpp"
#include "dvhpc/nn/dense.hpp"
#include "dvhpc/nn/dropout.hpp"
#include "dvhpc/nn/lstm.hpp"
#include "dvhpc/nn/pooling.hpp"

namespace dvhpc::nn {

Tensor Model::predict(const Tensor& x) {
  if (!plan_checked_) {
    plan_ = be_.make_inference_plan(*this);
    plan_checked_ = true;
  }
  Tensor logits = plan_ ? plan_->logits(x) : net_.forward(x, false);
  Tensor probs = be_.alloc(logits.shape());
  be_.softmax(logits, probs);
  return probs;
}

float Model::compute_gradients(const Tensor& x, const int32_t* labels, Tensor* input_grad) {
  Tensor logits = net_.forward(x, true);
  const float loss = loss_.forward_backward(logits, labels);
  Tensor dx = net_.backward(loss_.grad(), input_grad != nullptr);
  if (input_grad) *input_grad = dx;
  return loss;
}

float Model::train_step(const Tensor& x, const int32_t* labels, Optimizer& opt) {
  const float loss = compute_gradients(x, labels);
  opt.step();
  return loss;
}

std::vector<Param*> Model::parameters() {
  std::vector<Param*> out;
  net_.parameters(out);
  return out;
}
std::vector<Param*> Model::buffers() {
  std::vector<Param*> out;
  net_.buffers(out);
  return out;
}
int64_t Model::parameter_count() {
  int64_t n = 0;
  for (Param* p : parameters()) n += p->value.numel();
  return n;
}

std::unique_ptr<Model> make_pileup_rnn(Backend& be, const PileupRnnConfig& c) {
  auto m = std::make_unique<Model>(be, "pileup_rnn");
  Rng rng(c.seed);
  auto& net = m->net();
  auto& lstm = net.add<Lstm>("lstm", c.channels, c.hidden, c.layers, true, rng);
  net.add<Flatten>("flatten");
  net.add<Dense>("fc1", DenseSpec{c.positions * lstm.output_size(), c.fc, true}, Init::HeNormal, rng);
  net.add<Relu>("relu1");
  net.add<Dropout>("dropout", c.dropout, c.seed + 17);
  net.add<Dense>("genotype", DenseSpec{c.fc, c.classes, true}, Init::XavierUniform, rng);
  return m;
}

namespace {
Conv2dSpec conv(int64_t in, int64_t out, int64_t k, int64_t stride) {
  Conv2dSpec s;
  s.in_channels = in;
  s.out_channels = out;
  s.kernel_h = s.kernel_w = k;
  s.stride_h = s.stride_w = stride;
  s.pad_h = s.pad_w = k / 2;
  s.bias = false;  // followed by batch norm, which has its own shift
  return s;
}
}  // namespace

std::unique_ptr<Model> make_pileup_cnn(Backend& be, const PileupCnnConfig& c) {
  auto m = std::make_unique<Model>(be, "pileup_cnn");
  Rng rng(c.seed);
  auto& net = m->net();
  net.add<Conv2d>("stem.conv", conv(c.channels, c.stem, 3, 2), rng);
  net.add<BatchNorm2d>("stem.bn", BatchNormSpec{c.stem});
  net.add<Relu>("stem.relu");
  int64_t in = c.stem;
  for (size_t i = 0; i < c.widths.size(); ++i) {
    const int64_t out = c.widths[i];
    const std::string b = "block" + std::to_string(i + 1);
    auto& blk = net.add<ResidualBlock>(b);
    blk.main().add<Conv2d>(b + ".conv1", conv(in, out, 3, 2), rng);
    blk.main().add<BatchNorm2d>(b + ".bn1", BatchNormSpec{out});
    blk.main().add<Relu>(b + ".relu1");
    blk.main().add<Conv2d>(b + ".conv2", conv(out, out, 3, 1), rng);
    blk.main().add<BatchNorm2d>(b + ".bn2", BatchNormSpec{out});
    blk.shortcut().add<Conv2d>(b + ".proj", conv(in, out, 1, 2), rng);
    blk.shortcut().add<BatchNorm2d>(b + ".proj_bn", BatchNormSpec{out});
    in = out;
  }
  net.add<GlobalAvgPool>("pool");
  net.add<Dense>("genotype", DenseSpec{in, c.classes, true}, Init::XavierUniform, rng);
  return m;
}

}  // namespace dvhpc::nn
