#include "mlp_model.hpp"

#include "dvhpc/comm.hpp"
#include "dvhpc/nn/loss.hpp"
#include "dvhpc/train/data_order.hpp"

namespace dvhpc::gp {
namespace {

class MlpProblem final : public train::RegressionProblem {
 public:
  MlpProblem(const Comm& comm, SampleNet& net, const SampleFeatures& f, std::vector<int64_t> samples,
             std::vector<float> z)
      : comm_(comm), net_(net), f_(f), samples_(std::move(samples)), z_(std::move(z)), mse_(*net.backend) {}

  nn::Model& model() override { return *net_.model; }
  int64_t size() const override { return static_cast<int64_t>(samples_.size()); }

  double gradients(const std::vector<int64_t>& batch, int64_t step) override {
    const auto [b, e] = train::rank_slice(static_cast<int64_t>(batch.size()), comm_.rank(), comm_.size());
    if (b == e) {  // more ranks than batch rows
      net_.zero_gradients();
      return 0.0;
    }
    std::vector<int64_t> cols;
    std::vector<uint64_t> keys;
    std::vector<float> y;
    for (int64_t i = b; i < e; ++i) {
      const int64_t ex = batch[static_cast<size_t>(i)];
      cols.push_back(samples_[static_cast<size_t>(ex)]);
      keys.push_back(static_cast<uint64_t>(cols.back()));  // the sample: the same mask on any rank
      y.insert(y.end(), z_.begin() + ex * net_.out, z_.begin() + (ex + 1) * net_.out);
    }
    nn::Tensor out = net_.forward(gather_rows(f_.scores, f_.width, cols), e - b, true, keys, step);
    const double loss = mse_.forward_backward(out, y.data(), static_cast<double>(batch.size() * net_.out));
    net_.model->net().backward(mse_.grad(), false);
    return loss;
  }

  double loss(const std::vector<int64_t>& examples) override {
    if (examples.empty()) return 0.0;
    std::vector<int64_t> cols;
    for (int64_t ex : examples) cols.push_back(samples_[static_cast<size_t>(ex)]);
    const std::vector<float> p =
        net_.backend->to_host(net_.forward(gather_rows(f_.scores, f_.width, cols), static_cast<int64_t>(cols.size()), false));
    double s = 0;
    for (size_t i = 0; i < examples.size(); ++i)
      for (int64_t t = 0; t < net_.out; ++t) {
        const double d = p[i * static_cast<size_t>(net_.out) + static_cast<size_t>(t)] -
                         z_[static_cast<size_t>(examples[i] * net_.out + t)];
        s += d * d;
      }
    return s / static_cast<double>(examples.size() * net_.out);
  }

 private:
  const Comm& comm_;
  SampleNet& net_;
  const SampleFeatures& f_;
  std::vector<int64_t> samples_;
  std::vector<float> z_;
  nn::MeanSquaredError mse_;
};

}  // namespace

std::unique_ptr<train::RegressionProblem> MlpModel::make_problem(const FitTask& task, std::vector<float> z) {
  return std::make_unique<MlpProblem>(*fit_comm_, *net_, *f_, task.train, std::move(z));
}

std::vector<float> MlpModel::outputs(const std::vector<int64_t>& samples) const {
  if (samples.empty()) return {};
  return net_->backend->to_host(
      net_->forward(gather_rows(f_->scores, f_->width, samples), static_cast<int64_t>(samples.size()), false));
}

}  // namespace dvhpc::gp
