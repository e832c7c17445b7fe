// The tensor block pool reuses blocks of the sizes in use but keeps at most
// its cap of free blocks, however many sizes it has seen (call's last batch
// of every shard has a size of its own).
#include <doctest/doctest.h>

#include <cstdlib>

#include "dvhpc/nn/block_pool.hpp"

using namespace dvhpc::nn;

TEST_CASE("BlockPool: reuse of a size, and a cap on cached bytes") {
  int live = 0;
  auto pool = std::make_shared<BlockPool>(
      [&](size_t n) {
        ++live;
        return std::malloc(n);
      },
      [&](void* p) {
        --live;
        std::free(p);
      },
      4096);
  float* first = nullptr;
  {
    auto a = pool->get(1000);
    first = a->ptr;
  }
  CHECK(pool->cached_bytes() == 1024);
  {
    auto b = pool->get(1000);  // the same bucket: the same block back
    CHECK(b->ptr == first);
    CHECK(pool->cached_bytes() == 0);
  }
  // Many sizes, one after another: the free list never passes the cap.
  for (size_t n = 1; n <= 200; ++n) {
    auto t = pool->get(n * 256);
    (void)t;
    CHECK(pool->cached_bytes() <= 4096);
  }
  CHECK(live <= 4096 / 256 + 1);
  // A block larger than the cap is never cached.
  { auto big = pool->get(10000); }
  CHECK(pool->cached_bytes() <= 4096);
  pool->trim();
  CHECK(live == 0);
}
