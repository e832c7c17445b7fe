#include <doctest/doctest.h>

#include <thread>

#include "dvhpc/comm.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/progress.hpp"
#include "dvhpc/timer.hpp"

using namespace dvhpc;

TEST_CASE("StageTimes accumulates repeated stages in first-seen order") {
  StageTimes t;
  t.add("load", 1.0);
  t.add("count", 2.0);
  t.add("load", 0.5);
  REQUIRE(t.stages().size() == 2);
  CHECK(t.stages()[0].first == "load");
  CHECK(t.get("load") == doctest::Approx(1.5));
  CHECK(t.get("absent") == 0.0);
}

TEST_CASE("ScopedStage times its scope and restores the log stage") {
  StageTimes t;
  log::set_stage("outer");
  {
    ScopedStage s(t, "inner");
    CHECK(log::stage() == "inner");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(log::stage() == "outer");
  CHECK(t.get("inner") >= 0.015);
  CHECK(t.get("inner") < 5.0);
}

TEST_CASE("stage report on one rank: min = median = max") {
  StageTimes t;
  t.add("a", 2.0);
  t.add("b", 3.0);
  auto rows = gather_stage_report(Comm::world(), t);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].stage == "b");
  CHECK(rows[1].min == 3.0);
  CHECK(rows[1].median == 3.0);
  CHECK(rows[1].max == 3.0);
  std::string text = format_stage_report(rows, 5.0);
  CHECK(text.find("median") != std::string::npos);
  CHECK(text.find("total wall") != std::string::npos);
}

TEST_CASE("progress line shows done/total, percent, rate and ETA") {
  std::string line = Progress::format("count", 250, 1000, "shards", 5.0);
  CHECK(line == "count 250/1000 shards (25.0%) 50.0 shards/s ETA 15s");
  CHECK(Progress::format("x", 0, 10, "u", 0.0).find("ETA ?") != std::string::npos);
  CHECK(Progress::format("x", 10, 7200 * 10 + 10, "u", 1.0).find("ETA 2h00m") != std::string::npos);
  Progress p("loop", 3, "items", false);
  p.tick();
  p.tick(2);
  CHECK(p.done() == 3);
}
