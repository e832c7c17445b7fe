#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "dvhpc/train/data_order.hpp"
#include "train_fixtures.hpp"

using namespace dvhpc::train;

TEST_CASE("validation split is a deterministic partition with about the asked fraction") {
  auto [tr, va] = split_validation(10000, 0.1, 7);
  CHECK(tr.size() + va.size() == 10000);
  CHECK(va.size() > 900);
  CHECK(va.size() < 1100);
  std::set<int64_t> all(tr.begin(), tr.end());
  for (int64_t v : va) CHECK(all.insert(v).second);
  CHECK(split_validation(10000, 0.1, 7).second == va);
  CHECK(split_validation(10000, 0.1, 8).second != va);
  CHECK(split_validation(50, 0.0, 1).second.empty());
}

TEST_CASE("epoch order: a permutation, the same for the same (seed, epoch), new each epoch") {
  std::vector<int64_t> items(1000);
  for (int i = 0; i < 1000; ++i) items[i] = 3 * i;
  auto a = epoch_order(items, 42, 0);
  auto b = epoch_order(items, 42, 1);
  CHECK(a == epoch_order(items, 42, 0));
  CHECK(a != b);
  CHECK(a != items);
  std::sort(a.begin(), a.end());
  CHECK(a == items);
}

TEST_CASE("rank slices cover a batch exactly, sizes differ by at most one") {
  for (int n : {1, 7, 64, 65}) {
    for (int ranks : {1, 2, 3, 7}) {
      if (ranks > n) continue;
      int64_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        auto [b, e] = rank_slice(n, r, ranks);
        CHECK(b == next);
        CHECK(e - b >= n / ranks);
        CHECK(e - b <= n / ranks + 1);
        next = e;
      }
      CHECK(next == n);
    }
  }
}

TEST_CASE("MemoryExamples serves random-access batches") {
  auto ex = dvhpc::test::synthetic_examples(10, 1);
  CHECK(ex.size() == 10);
  std::vector<float> x(2 * 33 * 18);
  std::vector<int32_t> y(2);
  ex.read({5, 1}, x.data(), y.data());
  CHECK(y[0] == 2);
  CHECK(y[1] == 1);
  CHECK(x[16 * 18 + 2] >= 1.0f);                // class-2 bump of example 5
  CHECK(x[33 * 18 + 16 * 18 + 1] >= 1.0f);      // class-1 bump of example 1
}
