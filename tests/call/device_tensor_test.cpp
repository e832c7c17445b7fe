// The rank's device context and the hand-over of kernel outputs to the
// networks (include/dvhpc/device_context.hpp, src/call/device_tensor.hpp),
// on this machine's build: Kokkos on the host and oneDNN, so a View must be
// wrapped in place (no copy), stay alive while its tensor does, and a
// network must give the same probabilities over row slices of one tensor as
// over copies of the rows.
#include <doctest/doctest.h>

#include <random>

#include "src/call/device_tensor.hpp"
#include "dvhpc/device_context.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/pileup_features.hpp"
#include "kernels/pileup_features.hpp"

using namespace dvhpc;

TEST_CASE("device context: one backend and execution space per rank; host Views become tensors in place") {
  DeviceContext dev("cpu", nn::Precision::Fp32, 0);
  CHECK(dev.backend().device() == nn::Device::CPU);
  CHECK(dev.describe().find("networks on") != std::string::npos);
#if !DVHPC_KERNELS_ON_DEVICE
  CHECK(dev.kernel_device() == -1);
  CHECK(dev.shared_memory());
  nn::Tensor t;
  const float* where = nullptr;
  {
    kernels::FeatureView<kernels::MemSpace> f("f", 4, 3, 2);
    for (int i = 0; i < 24; ++i) f.data()[i] = static_cast<float>(i);
    where = f.data();
    t = as_tensor(dev, f, {4, 3, 2});
  }  // the View's handle is gone; the tensor keeps its memory
  CHECK(t.data() == where);
  CHECK(t.shape() == nn::Shape{4, 3, 2});
  const nn::Tensor r = t.rows(1, 2);
  CHECK(r.shape() == nn::Shape{2, 3, 2});
  CHECK(r.data() == where + 6);
  CHECK(r.rows(1, 1).data()[0] == 12.0f);
  CHECK_THROWS_AS(as_tensor(dev, kernels::FeatureView<kernels::MemSpace>("g", 2, 3, 2), {5, 3, 2}), Error);
#endif
}

TEST_CASE("device context: the RNN over row slices of one tensor equals the RNN over copied batches") {
  DeviceContext dev("cpu", nn::Precision::Fp32, 0);
  nn::Backend& be = dev.backend();
  nn::PileupRnnConfig rc;
  rc.positions = 33;
  rc.channels = kNumFeatureChannels;
  auto rnn = nn::make_pileup_rnn(be, rc);
  const int64_t n = 150, row = rc.positions * rc.channels;
  std::vector<float> x(static_cast<size_t>(n * row));
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (float& v : x) v = u(gen);
  const nn::Tensor all = be.from_host({n, rc.positions, rc.channels}, x);
  for (const int64_t bs : {int64_t{64}, int64_t{37}}) {
    for (int64_t b = 0; b < n; b += bs) {
      const int64_t k = std::min(bs, n - b);
      const std::vector<float> slice = be.to_host(rnn->predict(all.rows(b, k)));
      const std::vector<float> part(x.begin() + b * row, x.begin() + (b + k) * row);
      const std::vector<float> copy = be.to_host(rnn->predict(be.from_host({k, rc.positions, rc.channels}, part)));
      CHECK(slice == copy);
    }
  }
}
