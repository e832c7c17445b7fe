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
