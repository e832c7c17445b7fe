// Multi-layer (bi)directional LSTM over sequences [N,T,C] -> [N,T,D*H],
// equivalent to torch.nn.LSTM(batch_first=True, bidirectional=...) with zero
// initial states. Per layer l the parameters are
//   "<name>.l<l>.w_ih" [D,4H,In], "<name>.l<l>.w_hh" [D,4H,H], "<name>.l<l>.bias" [D,4H]
// in PyTorch's gate order (i,f,g,o); bias is PyTorch's b_ih + b_hh (the two
// are redundant, so one is kept). Layer l>0 reads layer l-1's D*H outputs.
#pragma once

#include <memory>
#include <vector>

#include "dvhpc/nn/init.hpp"
#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class Lstm final : public Layer {
 public:
  Lstm(Backend& be, std::string name, int64_t input_size, int64_t hidden_size, int num_layers,
       bool bidirectional, Rng& rng);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;
  void parameters(std::vector<Param*>& out) override;
  int64_t output_size() const { return hidden_ * (bidirectional_ ? 2 : 1); }

 private:
  struct Sub {
    std::unique_ptr<LstmOp> op;
    Param w_ih, w_hh, bias;
    Tensor x, y;
  };
  int64_t hidden_;
  bool bidirectional_;
  std::vector<Sub> layers_;
};

}  // namespace dvhpc::nn
