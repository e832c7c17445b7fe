// Runs under mpirun -np 1 and -np 2 (see tests/CMakeLists.txt). The
// watchdog's firing ends the process and is tested end to end by
// tests/cli/train_failures.sh; here: every collective wrapper leaves no wait
// behind (a leaked wait would abort a healthy job once the timeout passed),
// and unequal arrival within the timeout does not fire.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/work_queue.hpp"

using namespace dvhpc;

namespace {
bool idle() { return watchdog::detail::g_wait_since_ns.load() == 0; }
}  // namespace

TEST_CASE("every Comm collective and the work queue end their watchdog wait") {
  Comm w = Comm::world();
  REQUIRE(idle());
  w.barrier();
  CHECK(idle());
  CHECK(w.allreduce_sum(int64_t{1}) == w.size());
  CHECK(w.allreduce_max(1.0) == 1.0);
  CHECK_FALSE(w.allreduce_or(false));
  CHECK(idle());
  std::vector<double> v(5, 1.0);
  w.allreduce_sum(v.data(), 5);
  CHECK(w.allgather(1.0).size() == static_cast<size_t>(w.size()));
  CHECK(w.allgatherv(std::vector<int64_t>(static_cast<size_t>(w.rank()), 7)).size() ==
        static_cast<size_t>(w.size() * (w.size() - 1) / 2));
  CHECK(idle());
  CHECK(w.broadcast(std::string("x")) == "x");
  CHECK(w.gather(std::string(static_cast<size_t>(w.rank()) + 1, 'g')).size() ==
        (w.is_root() ? static_cast<size_t>(w.size()) : 0));
  CHECK(idle());
  CHECK_THROWS_AS(w.agree_or_throw(w.rank() == w.size() - 1 ? "bad" : "", ErrorKind::Input), Error);
  CHECK(idle());
  {
    WorkQueue q(w);
    while (q.next() < 4) CHECK(idle());
  }
  CHECK(idle());
}

TEST_CASE("a rank arriving late, within the timeout, does not fire the watchdog") {
  Comm w = Comm::world();
  watchdog::set_timeout(3);
  // The watchdog looks every 0.75 s at a 3 s timeout; rank 0 waits ~0.5 s here.
  if (w.rank() == w.size() - 1 && w.size() > 1) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  w.barrier();
  CHECK(w.allreduce_sum(int64_t{1}) == w.size());
  watchdog::set_timeout(watchdog::kDefaultTimeoutSeconds);
}
