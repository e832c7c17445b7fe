// Runs under mpirun -np 1 and -np 2 (see tests/CMakeLists.txt).
#include <doctest/doctest.h>

#include "dvhpc/comm.hpp"
#include "dvhpc/timer.hpp"

using namespace dvhpc;

TEST_CASE("collectives agree on every rank") {
  Comm w = Comm::world();
  int n = w.size();
  CHECK(w.allreduce_sum(int64_t{1}) == n);
  CHECK(w.allreduce_max(double(w.rank())) == double(n - 1));
  CHECK(w.allreduce_sum(0.5) == doctest::Approx(0.5 * n));
  CHECK(w.allreduce_or(w.rank() == n - 1));
  CHECK_FALSE(w.allreduce_or(false));
  auto all = w.allgather(int64_t(w.rank() * 10));
  REQUIRE(all.size() == size_t(n));
  for (int r = 0; r < n; ++r) CHECK(all[r] == r * 10);
  CHECK(w.broadcast(w.is_root() ? std::string("from root") : std::string("x")) == "from root");
  CHECK(w.broadcast(std::string(w.rank() == n - 1 ? "last" : ""), n - 1) == "last");
  CHECK(w.local_size() >= 1);
  CHECK(w.local_rank() < w.local_size());
}

TEST_CASE("stage report gathers min/median/max over ranks, including stages only some ranks saw") {
  Comm w = Comm::world();
  StageTimes t;
  t.add("count", 1.0 + w.rank());
  if (w.rank() == w.size() - 1) t.add("only_last", 4.0);
  auto rows = gather_stage_report(w, t);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].stage == "count");
  CHECK(rows[0].min == 1.0);
  CHECK(rows[0].max == double(w.size()));
  CHECK(rows[0].median == doctest::Approx(1.0 + (w.size() - 1) / 2.0));
  CHECK(rows[1].stage == "only_last");
  CHECK(rows[1].max == 4.0);
  CHECK(rows[1].min == (w.size() > 1 ? 0.0 : 4.0));
}

TEST_CASE("gather, allgatherv and agree_or_throw") {
  Comm w = Comm::world();
  const int n = w.size();
  auto g = w.gather(std::string(static_cast<size_t>(w.rank() + 1), static_cast<char>('a' + w.rank())), 0);
  if (w.is_root()) {
    REQUIRE(g.size() == size_t(n));
    for (int r = 0; r < n; ++r) CHECK(g[r] == std::string(static_cast<size_t>(r + 1), static_cast<char>('a' + r)));
  } else {
    CHECK(g.empty());
  }
  std::vector<int64_t> mine(static_cast<size_t>(w.rank() + 1), w.rank());
  auto all = w.allgatherv(mine);
  CHECK(all.size() == size_t(n * (n + 1) / 2));
  CHECK(all.back() == n - 1);
  CHECK_NOTHROW(w.agree_or_throw("", ErrorKind::Output));
  // The last rank fails: every rank throws its message, naming it.
  std::string seen;
  try {
    w.agree_or_throw(w.rank() == n - 1 ? "disk full on the last rank" : "", ErrorKind::Output);
  } catch (const Error& e) {
    seen = e.what();
    CHECK(e.all_ranks());
  }
  CHECK(seen.find("disk full on the last rank") != std::string::npos);
  if (n > 1) CHECK(seen.find("rank " + std::to_string(n - 1)) != std::string::npos);
}
