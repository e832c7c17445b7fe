// The shared work counter hands out every index exactly once across ranks.
#include <doctest/doctest.h>

#include <algorithm>

#include "dvhpc/comm.hpp"
#include "dvhpc/work_queue.hpp"

using namespace dvhpc;

TEST_CASE("WorkQueue: indices 0..n-1 drawn once each, in increasing order per rank") {
  Comm w = Comm::world();
  const int64_t n = 200;
  std::vector<int64_t> mine;
  {
    WorkQueue q(w);
    for (int64_t i = q.next(); i < n; i = q.next()) mine.push_back(i);
  }
  CHECK(std::is_sorted(mine.begin(), mine.end()));
  // Gather every rank's draws and check they partition [0, n).
  std::string packed(reinterpret_cast<const char*>(mine.data()), mine.size() * sizeof(int64_t));
  auto all = w.gather(packed, 0);
  if (w.is_root()) {
    std::vector<int64_t> got;
    for (const auto& p : all) {
      const auto* v = reinterpret_cast<const int64_t*>(p.data());
      got.insert(got.end(), v, v + p.size() / sizeof(int64_t));
    }
    std::sort(got.begin(), got.end());
    REQUIRE(got.size() == size_t(n));
    for (int64_t i = 0; i < n; ++i) CHECK(got[size_t(i)] == i);
  }
  // A second queue starts from zero again.
  WorkQueue q2(w);
  const int64_t first = q2.next();
  CHECK(w.allreduce_sum(first == 0 ? int64_t{1} : int64_t{0}) == 1);
}
