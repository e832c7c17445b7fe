#include "genotyper.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>

#include "device_tensor.hpp"
#include "dvhpc/device_context.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/example_query.hpp"
#include "dvhpc/model_path.hpp"
#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/nn/serialization.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/pileup_image.hpp"

namespace dvhpc {
namespace {

// Size and hash of a file's bytes.
std::string file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::to_string(bytes.size()) + ":" + std::to_string(std::hash<std::string>{}(bytes)) + ";";
}

// Posterior per site from per-example probabilities, examples in
// example_queries() order.
std::vector<GenotypeCall> site_calls(const std::vector<Candidate>& sites, const std::vector<ExampleQuery>& qs,
                                     const std::vector<float>& probs) {
  std::vector<std::vector<AltSetPrediction>> preds(sites.size());
  for (size_t e = 0; e < qs.size(); ++e) {
    AltSetPrediction p;
    for (int k = 0; k < qs[e].n_alts; ++k) p.alts.push_back(qs[e].alt[k] + 1);
    for (int c = 0; c < 3; ++c) p.probs[static_cast<size_t>(c)] = probs[e * 3 + static_cast<size_t>(c)];
    preds[static_cast<size_t>(qs[e].site)].push_back(std::move(p));
  }
  std::vector<GenotypeCall> out;
  for (size_t s = 0; s < sites.size(); ++s)
    out.push_back(call_genotype(static_cast<int>(sites[s].alts.size()), preds[s]));
  return out;
}

// AD from realignment at indel sites: REF from the first single-alt
// example (reads that fit the reference best), each ALT from its own
// single-alt example (reads that fit it best).
void add_realigned_ad(const std::vector<Candidate>& sites, const std::vector<ExampleQuery>& qs,
                      const std::vector<ExampleSupport>& support, std::vector<GenotypeCall>& calls) {
  for (size_t e = 0; e < qs.size(); ++e) {
    if (!support[e].realigned || qs[e].n_alts != 1) continue;
    std::vector<int32_t>& ad = calls[static_cast<size_t>(qs[e].site)].realigned_ad;
    if (ad.empty()) {
      ad.assign(sites[static_cast<size_t>(qs[e].site)].alts.size() + 1, 0);
      ad[0] = support[e].ref;
    }
    ad[static_cast<size_t>(qs[e].alt[0]) + 1] = support[e].alt;
  }
}

}  // namespace

Genotyper::Genotyper(const Config& cfg, DeviceContext& dev)
    : cfg_(cfg), builder_(cfg.pileup, cfg.candidates.min_base_quality), dev_(dev) {
  gpu_ = dev_.backend().device() == nn::Device::GPU;
  rnn_path_ = resolve_model_path(cfg.model.rnn, "model.rnn");
  model_digest_ = file_digest(rnn_path_);
  nn::PileupRnnConfig rc;
  rc.positions = cfg.pileup.feature_window;
  rc.channels = kNumFeatureChannels;
  rnn_ = nn::make_pileup_rnn(dev_.backend(), rc);
  nn::load_checkpoint(rnn_path_, *rnn_);
  if (cfg.model.cnn_gq_threshold > 0) {
    cnn_path_ = resolve_model_path(cfg.model.cnn, "model.cnn");
    model_digest_ += file_digest(cnn_path_);
    nn::PileupCnnConfig cc;
    cc.channels = pileup_channels(cfg.pileup);
    cc.height = cfg.pileup.height;
    cc.width = cfg.pileup.width;
    cnn_ = nn::make_pileup_cnn(dev_.backend(), cc);
    nn::load_checkpoint(cnn_path_, *cnn_);
  }
}

Genotyper::~Genotyper() = default;

std::string Genotyper::backend_name() const { return dev_.describe(); }

std::vector<float> Genotyper::predict(nn::Model& m, const nn::Tensor& x) {
  const int64_t n = x.defined() ? x.dim(0) : 0;
  // CPU: batches of 64 run fastest (perf/RESULTS_nn.md: RNN 20.8k/s at 64,
  // 18.1k/s at 1024); GPU: model.batch_size. Batches are row ranges of x,
  // not copies.
  const int64_t bs = gpu_ ? std::max(1, cfg_.model.batch_size) : std::min(64, std::max(1, cfg_.model.batch_size));
  std::vector<float> probs(static_cast<size_t>(n) * 3);
  for (int64_t b = 0; b < n; b += bs) {
    nn::Tensor p = m.predict(x.rows(b, std::min(bs, n - b)));
    dev_.backend().download(p, probs.data() + b * 3);
  }
  return probs;
}

RnnExamples Genotyper::features(const GenotypeInput& in) {
  RnnExamples ex;
  if (in.sites.empty()) return ex;
  ex.queries = example_queries(in.sites);
  const int64_t n = static_cast<int64_t>(ex.queries.size()), T = cfg_.pileup.feature_window;
  kernels::FeatureView<kernels::MemSpace> f("dvhpc::features", n, T, kNumFeatureChannels);  // zero-filled
  builder_.build_views(dev_.exec(), in.reads, in.batch, in.window, in.ref, in.sites, ex.queries, f, {}, &ex.support);
  ex.features = as_tensor(dev_, f, {n, T, kNumFeatureChannels});
  return ex;
}

std::vector<GenotypeCall> Genotyper::rnn(const GenotypeInput& in, const RnnExamples& ex) {
  if (in.sites.empty()) return {};
  const std::vector<float> probs = predict(*rnn_, ex.features);
  std::vector<GenotypeCall> calls = site_calls(in.sites, ex.queries, probs);
  add_realigned_ad(in.sites, ex.queries, ex.support, calls);
  stats_.sites += static_cast<int64_t>(in.sites.size());
  stats_.examples += static_cast<int64_t>(ex.queries.size());
  return calls;
}

CnnExamples Genotyper::hard_sites(const GenotypeInput& in, const std::vector<GenotypeCall>& calls) const {
  CnnExamples hard;
  if (!cnn_) return hard;
  for (size_t s = 0; s < in.sites.size(); ++s)
    if (calls[s].gq < cfg_.model.cnn_gq_threshold) {
      hard.sites.push_back(in.sites[s]);
      hard.index.push_back(s);
    }
  hard.queries = example_queries(hard.sites);
  hard.probs.assign(hard.queries.size() * 3, 0.0f);
  // Images go through in groups of nearby sites, so memory stays bounded
  // however large the shard. On the CPU small groups are also much faster:
  // oneDNN's convolutions stay in cache (measured on 8 Mb at 30x with 2 Mb
  // shards: 32 examples per group 2.2 s of CNN, 256 per group 5.9 s). GPUs
  // want large batches: there the group is model.batch_size.
  const size_t kGroup = gpu_ ? static_cast<size_t>(std::max(1, cfg_.model.batch_size)) : 32;
  const auto& q = hard.queries;
  for (size_t g0 = 0; g0 < q.size();) {
    size_t g1 = std::min(q.size(), g0 + kGroup);
    while (g1 < q.size() && q[g1].site == q[g1 - 1].site) ++g1;  // keep a site's examples together
    hard.groups.emplace_back(g0, g1);
    g0 = g1;
  }
  return hard;
}

nn::Tensor Genotyper::images(const GenotypeInput& in, const CnnExamples& hard, size_t group) {
  const auto [g0, g1] = hard.groups[group];
  const int64_t H = cfg_.pileup.height, W = cfg_.pileup.width, C = pileup_channels(cfg_.pileup);
  const int64_t n = static_cast<int64_t>(g1 - g0);
  const std::vector<ExampleQuery> part(hard.queries.begin() + static_cast<std::ptrdiff_t>(g0),
                                       hard.queries.begin() + static_cast<std::ptrdiff_t>(g1));
  const auto& exec = dev_.exec();
  if (static_cast<int64_t>(image_buf_.extent(0)) < n) {
    image_buf_ = kernels::ImageView<kernels::MemSpace>("dvhpc::images", n, H, W, C);  // zero-filled
    nchw_buf_ = kernels::NchwView<kernels::MemSpace>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "dvhpc::nchw"),
                                                     n, C, H, W);
  }
  const std::pair<int64_t, int64_t> rows(0, n);
  kernels::ImageView<kernels::MemSpace> img = Kokkos::subview(image_buf_, rows, Kokkos::ALL, Kokkos::ALL, Kokkos::ALL);
  kernels::NchwView<kernels::MemSpace> nchw = Kokkos::subview(nchw_buf_, rows, Kokkos::ALL, Kokkos::ALL, Kokkos::ALL);
  Kokkos::deep_copy(exec, img, 0);  // the image kernel only writes the pixels reads cover
  builder_.build_views(exec, in.reads, in.batch, in.window, in.ref, hard.sites, part,
                       kernels::FeatureView<kernels::MemSpace>(), img);
  kernels::images_to_nchw(exec, img, nchw);
  exec.fence();  // the "images" stage ends when they are built
  return as_tensor(dev_, nchw, {n, C, H, W});
}

void Genotyper::cnn(CnnExamples& hard, size_t group, const nn::Tensor& nchw) {
  const auto [g0, g1] = hard.groups[group];
  (void)g1;
  const std::vector<float> p = predict(*cnn_, nchw);
  std::copy(p.begin(), p.end(), hard.probs.begin() + static_cast<std::ptrdiff_t>(g0 * 3));
}

void Genotyper::merge(CnnExamples& hard, std::vector<GenotypeCall>& calls) {
  if (hard.sites.empty()) return;
  std::vector<GenotypeCall> hcalls = site_calls(hard.sites, hard.queries, hard.probs);
  for (size_t i = 0; i < hard.sites.size(); ++i) {
    hcalls[i].realigned_ad = std::move(calls[hard.index[i]].realigned_ad);
    calls[hard.index[i]] = std::move(hcalls[i]);
  }
  stats_.cnn_sites += static_cast<int64_t>(hard.sites.size());
  stats_.cnn_examples += static_cast<int64_t>(hard.queries.size());
}

}  // namespace dvhpc
