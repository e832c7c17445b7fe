#include "gcn_model.hpp"

#include <numeric>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/train/data_order.hpp"
#include "mlp_model.hpp"

namespace dvhpc::gp {
namespace {

std::vector<int64_t> range(int64_t b, int64_t e) {
  std::vector<int64_t> v(static_cast<size_t>(e - b));
  std::iota(v.begin(), v.end(), b);
  return v;
}

class GcnProblem final : public train::RegressionProblem {
 public:
  GcnProblem(const Comm& comm, SampleNet& net, const Propagation& a, const std::vector<float>& af, int64_t width,
             std::vector<int64_t> nodes, std::vector<float> z)
      : comm_(comm), net_(net), a_(a), af_(af), width_(width), nodes_(std::move(nodes)), y_(std::move(z)) {
    const auto [b, e] = train::rank_slice(a_.n, comm_.rank(), comm_.size());
    block_ = range(b, e);
    x_block_ = gather_rows(af_, width_, block_);
    for (int r = 0; r < comm_.size(); ++r) {
      const auto [rb, re] = train::rank_slice(a_.n, r, comm_.size());
      counts_.push_back(static_cast<int>((re - rb) * net_.out));
      displs_.push_back(static_cast<int>(rb * net_.out));
    }
  }

  nn::Model& model() override { return *net_.model; }
  int64_t size() const override { return static_cast<int64_t>(nodes_.size()); }

  double gradients(const std::vector<int64_t>& batch, int64_t step) override {
    const int64_t T = net_.out, n = a_.n, nb = static_cast<int64_t>(block_.size());
    // Forward: this rank's nodes, then every node's output on every rank.
    std::vector<float> z(static_cast<size_t>(n * T));
    std::vector<float> zb;
    if (nb > 0) {
      std::vector<uint64_t> keys(block_.begin(), block_.end());
      zb = net_.backend->to_host(net_.forward(x_block_, nb, true, keys, step));
    }
    DVHPC_CHECK_MPI(MPI_Allgatherv(zb.data(), static_cast<int>(zb.size()), MPI_FLOAT, z.data(), counts_.data(),
                                   displs_.data(), MPI_FLOAT, comm_.raw()));
    // This rank's loss terms and their gradient with respect to z.
    const auto [b, e] = train::rank_slice(static_cast<int64_t>(batch.size()), comm_.rank(), comm_.size());
    const double norm = static_cast<double>(batch.size() * T);
    std::vector<float> dz(static_cast<size_t>(n * T), 0.0f);
    double loss = 0;
    for (int64_t k = b; k < e; ++k) {
      const int64_t ex = batch[static_cast<size_t>(k)], i = nodes_[static_cast<size_t>(ex)];
      for (int64_t t = 0; t < T; ++t) {
        double out = 0;
        for (int64_t q = a_.start[static_cast<size_t>(i)]; q < a_.start[static_cast<size_t>(i) + 1]; ++q)
          out += a_.weight[static_cast<size_t>(q)] * z[static_cast<size_t>(a_.col[static_cast<size_t>(q)] * T + t)];
        const double d = out - y_[static_cast<size_t>(ex * T + t)];
        loss += d * d / norm;
        const double g = 2 * d / norm;
        for (int64_t q = a_.start[static_cast<size_t>(i)]; q < a_.start[static_cast<size_t>(i) + 1]; ++q)
          dz[static_cast<size_t>(a_.col[static_cast<size_t>(q)] * T + t)] +=
              static_cast<float>(a_.weight[static_cast<size_t>(q)] * g);  // A_hat is symmetric
      }
    }
    DVHPC_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, dz.data(), static_cast<int>(dz.size()), MPI_FLOAT, MPI_SUM,
                                  comm_.raw()));
    if (nb == 0) {
      net_.zero_gradients();
      return loss;
    }
    nn::Tensor g = net_.backend->alloc({nb, T});
    net_.backend->upload(dz.data() + block_.front() * T, g);
    net_.model->net().backward(g, false);
    return loss;
  }

  double loss(const std::vector<int64_t>& examples) override {
    if (examples.empty()) return 0.0;
    std::vector<int64_t> ids;
    for (int64_t ex : examples) ids.push_back(nodes_[static_cast<size_t>(ex)]);
    const std::vector<float> p = propagate(net_, a_, af_, ids);
    const int64_t T = net_.out;
    double s = 0;
    for (size_t k = 0; k < examples.size(); ++k)
      for (int64_t t = 0; t < T; ++t) {
        const double d = p[k * static_cast<size_t>(T) + static_cast<size_t>(t)] - y_[static_cast<size_t>(examples[k] * T + t)];
        s += d * d;
      }
    return s / static_cast<double>(examples.size() * T);
  }

  // Inference: the network on every node, then rows `ids` of A_hat z.
  static std::vector<float> propagate(SampleNet& net, const Propagation& a, const std::vector<float>& af,
                                      const std::vector<int64_t>& ids) {
    const int64_t T = net.out;
    const std::vector<float> z = net.backend->to_host(net.forward(af, a.n, false));
    std::vector<float> out(ids.size() * static_cast<size_t>(T), 0.0f);
    for (size_t k = 0; k < ids.size(); ++k)
      for (int64_t q = a.start[static_cast<size_t>(ids[k])]; q < a.start[static_cast<size_t>(ids[k]) + 1]; ++q)
        for (int64_t t = 0; t < T; ++t)
          out[k * static_cast<size_t>(T) + static_cast<size_t>(t)] +=
              a.weight[static_cast<size_t>(q)] * z[static_cast<size_t>(a.col[static_cast<size_t>(q)] * T + t)];
    return out;
  }

 private:
  const Comm& comm_;
  SampleNet& net_;
  const Propagation& a_;
  const std::vector<float>& af_;
  int64_t width_;
  std::vector<int64_t> nodes_;  // example -> node (genotype column)
  std::vector<float> y_;
  std::vector<int64_t> block_;  // this rank's nodes for the forward pass
  std::vector<float> x_block_;
  std::vector<int> counts_, displs_;
};

}  // namespace

GcnModel::GcnModel(const Comm& comm, std::shared_ptr<const SampleFeatures> f, NnOptions o)
    : NeuralGpModel(comm, std::move(f), std::move(o)) {
  train_opt_.global_batch = 0;  // full batch
  train_opt_.epochs = o_.gcn_epochs;
  train_opt_.learning_rate = o_.gcn_learning_rate;
  train_opt_.weight_decay = o_.gcn_weight_decay;
  a_ = knn_propagation(*f_, o_.neighbours);
  af_.resize(f_->scores.size());
  a_.apply(f_->scores.data(), f_->width, af_.data());
  log::info("gcn graph: {} samples, {} edges (k = {} nearest by genomic relationship, symmetrised)", a_.n,
            (static_cast<int64_t>(a_.col.size()) - a_.n) / 2, o_.neighbours);
}

std::unique_ptr<train::RegressionProblem> GcnModel::make_problem(const FitTask& task, std::vector<float> z) {
  return std::make_unique<GcnProblem>(*fit_comm_, *net_, a_, af_, f_->width, task.train, std::move(z));
}

std::vector<float> GcnModel::outputs(const std::vector<int64_t>& samples) const {
  return GcnProblem::propagate(*net_, a_, af_, samples);
}

}  // namespace dvhpc::gp

// ---- the factory of nn_net.hpp (here: it needs both models)

namespace dvhpc::gp {

static NnOptions nn_options(const GpConfig::Nn& c, int local_rank) {
  NnOptions o;
  o.local_rank = local_rank;
  o.hidden = {c.hidden};
  if (c.hidden2 > 0) o.hidden.push_back(c.hidden2);
  o.epochs = c.epochs;
  o.batch = c.batch;
  o.learning_rate = static_cast<float>(c.learning_rate);
  o.weight_decay = static_cast<float>(c.weight_decay);
  o.dropout = static_cast<float>(c.dropout);
  o.patience = c.patience;
  o.seed = c.seed;
  o.validation = c.validation;
  o.components = c.components;
  o.neighbours = c.neighbours;
  o.gcn_epochs = c.gcn_epochs;
  o.gcn_learning_rate = static_cast<float>(c.gcn_learning_rate);
  o.gcn_weight_decay = static_cast<float>(c.gcn_weight_decay);
  o.deal_tasks = c.parallel == "tasks";
  o.device = c.device;
  return o;
}

std::unique_ptr<GpModel> make_neural_model(const std::string& name, const Comm& comm, const StandardizedGenotypes& x,
                                           const GpConfig::Nn& cfg, std::shared_ptr<const SampleFeatures>* features) {
  if (!*features) *features = sample_features(comm, x, cfg.components);
  if (name == "mlp") return std::make_unique<MlpModel>(comm, *features, nn_options(cfg, comm.local_rank()));
  if (name == "gcn") return std::make_unique<GcnModel>(comm, *features, nn_options(cfg, comm.local_rank()));
  throw Error(ErrorKind::Internal, "no neural gp model '" + name + "'");
}

}  // namespace dvhpc::gp
