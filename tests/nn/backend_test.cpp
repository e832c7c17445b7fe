// Backend selection, buffer pool and dropout.
#include <doctest/doctest.h>

#include "dvhpc/error.hpp"
#include "dvhpc/nn/dropout.hpp"

using namespace dvhpc::nn;

TEST_CASE("nn: make_backend picks the CPU without a GPU and rejects bad names") {
  CHECK(make_backend("cpu")->device() == Device::CPU);
  CHECK_THROWS_AS(make_backend("tpu"), dvhpc::Error);
  if (gpu_device_count() == 0) {
    CHECK(make_backend("auto")->device() == Device::CPU);
    CHECK_THROWS_WITH_AS(make_backend("gpu"), doctest::Contains("gpu"), dvhpc::Error);
  } else {
    CHECK(make_backend("auto")->device() == Device::GPU);
  }
}

TEST_CASE("nn: freed buffers are reused by the pool") {
  auto be = make_cpu_backend();
  float* first = nullptr;
  {
    Tensor t = be->alloc({1000});
    first = t.data();
  }
  Tensor again = be->alloc({1000});
  CHECK(again.data() == first);
  Tensor other = be->alloc({1000});
  CHECK(other.data() != first);
}

TEST_CASE("nn: dropout is inverted and seeded and the identity at inference") {
  auto be = make_cpu_backend();
  const int64_t n = 20000;
  Tensor x = be->from_host({n}, std::vector<float>(n, 1.0f));
  Dropout d(*be, "drop", 0.25f, 7);
  CHECK(d.forward(x, false).data() == x.data());
  const auto y = be->to_host(d.forward(x, true));
  int64_t kept = 0;
  for (float v : y) {
    CHECK((v == 0.0f || v == doctest::Approx(1.0f / 0.75f)));
    kept += v != 0.0f;
  }
  CHECK(static_cast<double>(kept) / n == doctest::Approx(0.75).epsilon(0.03));
  const auto dx = be->to_host(d.backward(be->from_host({n}, std::vector<float>(n, 2.0f)), true));
  for (int64_t i = 0; i < n; ++i) CHECK(dx[i] == doctest::Approx(2.0f * y[i]));
  // The next call draws a new mask; a fresh layer with the same seed repeats the first.
  const auto y2 = be->to_host(d.forward(x, true));
  CHECK(y2 != y);
  Dropout same(*be, "drop", 0.25f, 7);
  CHECK(be->to_host(same.forward(x, true)) == y);
  CHECK_THROWS_AS(Dropout(*be, "bad", 1.0f, 1), dvhpc::Error);
}
