// The device path of `call` on a GPU (CUDA build; skips without a device):
// count features and pileup images built by the Kokkos kernels on the
// device go to cuDNN as tensors over the kernels' own memory (no copy, no
// host round trip), and the networks give the probabilities the host path
// gives (features and images built into host vectors, networks on oneDNN),
// with the same weights. Data: tests/make_examples/example_data.hpp.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "dvhpc/device_context.hpp"
#include "dvhpc/example_query.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/nn/serialization.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/pileup_image.hpp"
#include "dvhpc/reads.hpp"
#include "dvhpc/reference.hpp"
#include "kernels/allele_counter.hpp"
#include "kernels/device_reads.hpp"
#include "kernels/pileup_builder.hpp"
#include "make_examples/example_data.hpp"
#include "src/call/device_tensor.hpp"

using namespace dvhpc;

namespace {

void check_close(const std::vector<float>& a, const std::vector<float>& b, float tol, const char* what) {
  REQUIRE(a.size() == b.size());
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  INFO(what << ": largest difference " << worst);
  CHECK(worst <= tol);
}

// One network on both backends with the same weights (saved from the GPU's,
// loaded into the CPU's): the GPU's probabilities on `dev_x` must equal the
// CPU's on `host_x`.
template <class Config>
void same_probabilities(std::unique_ptr<nn::Model> (*make)(nn::Backend&, const Config&), const Config& cfg,
                        nn::Backend& gpu, nn::Backend& cpu, const nn::Tensor& dev_x, const std::vector<float>& host_x,
                        const std::string& weights, const char* what) {
  auto on_gpu = make(gpu, cfg);
  auto on_cpu = make(cpu, cfg);
  nn::save_checkpoint(weights, *on_gpu);
  nn::load_checkpoint(weights, *on_cpu);
  check_close(gpu.to_host(on_gpu->predict(dev_x)), cpu.to_host(on_cpu->predict(cpu.from_host(dev_x.shape(), host_x))),
              1e-4f, what);
}

}  // namespace

TEST_CASE("device path: kernels' features and images reach cuDNN in place and give the CPU's probabilities") {
  if (nn::gpu_device_count() == 0) {
    std::printf("SKIP: [device path gputest] no CUDA device visible\n");
    return;
  }
  test::TempDir dir;
  const auto d = test::make_example_data(dir, 50);
  Reference ref(d.fasta);
  ReadLoader loader(d.bam, ReadFilterConfig{});
  const ContigMap cm = match_contigs(loader.contigs(), ref.contigs(), {}, false, d.bam, d.fasta);
  const Region win{"chr1", 0, 3000};
  ReadBatch batch;
  loader.load(win, cm, batch);
  const std::string seq = ref.fetch(win);

  DeviceContext dev("gpu", nn::Precision::Fp32, 0);
  INFO(dev.describe());
  REQUIRE(dev.backend().device() == nn::Device::GPU);
#if DVHPC_KERNELS_ON_DEVICE
  CHECK(dev.shared_memory());
#endif
  kernels::DeviceReads reads(dev.exec());
  reads.upload(batch);
  AlleleCounter counter(CandidateConfig{}, dev.exec());
  counter.count(reads, batch, win, seq);
  const std::vector<Candidate> sites = counter.candidates(win);
  const std::vector<ExampleQuery> queries = example_queries(sites);
  REQUIRE(queries.size() >= 5);
  const int64_t n = static_cast<int64_t>(queries.size());
  PileupConfig pc;
  const PileupBuilder builder(pc, 10);
  const int64_t T = pc.feature_window, H = pc.height, W = pc.width, C = pileup_channels(pc);

  // On the device.
  kernels::FeatureView<kernels::MemSpace> f("f", n, T, kNumFeatureChannels);
  kernels::ImageView<kernels::MemSpace> img("img", n, H, W, C);
  builder.build_views(dev.exec(), reads, batch, win, seq, sites, queries, f, img);
  kernels::NchwView<kernels::MemSpace> nchw("nchw", n, C, H, W);
  kernels::images_to_nchw(dev.exec(), img, nchw);
  const nn::Tensor tf = as_tensor(dev, f, {n, T, kNumFeatureChannels});
  const nn::Tensor ti = as_tensor(dev, nchw, {n, C, H, W});
#if DVHPC_KERNELS_ON_DEVICE
  CHECK(tf.data() == f.data());  // in place: the tensor is the View's memory
  CHECK(ti.data() == nchw.data());
#endif

  // On the host, with the same weights.
  std::vector<uint8_t> h_images;
  std::vector<float> h_features;
  builder.build(batch, win, seq, sites, queries, h_images, h_features);
  std::vector<float> h_nchw(h_images.size());
  for (int64_t e = 0; e < n; ++e)
    image_to_nchw(h_images.data() + e * H * W * C, H, W, C, h_nchw.data() + e * H * W * C);
  auto cpu = nn::make_cpu_backend();

  nn::PileupRnnConfig rc;
  rc.positions = T;
  rc.channels = kNumFeatureChannels;
  same_probabilities(nn::make_pileup_rnn, rc, dev.backend(), *cpu, tf, h_features, dir.file("rnn.h5"), "RNN");
  nn::PileupCnnConfig cc;
  cc.channels = C;
  cc.height = H;
  cc.width = W;
  same_probabilities(nn::make_pileup_cnn, cc, dev.backend(), *cpu, ti, h_nchw, dir.file("cnn.h5"), "CNN");
}
