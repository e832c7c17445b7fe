// The watchdog thread and the SIGTERM reporter (design: collective_watchdog.hpp).
#include "dvhpc/collective_watchdog.hpp"

#include <unistd.h>

#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace dvhpc::watchdog {
namespace {

// Heap objects that are never destroyed: main() may leave through
// std::exit() (agree(), abort_with()) without MpiSession's destructor, and a
// joinable std::thread destroyed at exit calls std::terminate.
struct State {
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  std::thread thread;
};
State* g_state = nullptr;
std::atomic<int> g_rank{0};

double env_timeout(double fallback) {
  const char* e = std::getenv("DVHPC_MPI_TIMEOUT");
  if (!e || !*e) return fallback;
  char* end = nullptr;
  const double v = std::strtod(e, &end);
  return end != e && std::isfinite(v) ? v : fallback;
}

// Async-signal-safe text building (no allocation, no stdio).
struct Line {
  char buf[400];
  size_t n = 0;
  void add(const char* s) {
    while (s && *s && n + 1 < sizeof buf) buf[n++] = *s++;
  }
  void add(int64_t v) {
    char d[24];
    int k = 0;
    if (v < 0) {
      add("-");
      v = -v;
    }
    do {
      d[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v > 0 && k < 24);
    while (k > 0 && n + 1 < sizeof buf) buf[n++] = d[--k];
  }
};

// mpirun/srun end the surviving ranks of a failed job with SIGTERM (then
// SIGKILL). Say where this rank was, then die of the signal as before.
void on_sigterm(int sig) {
  Line l;
  l.add("dvhpc: rank ");
  l.add(static_cast<int64_t>(g_rank.load(std::memory_order_relaxed)));
  l.add(" stopped by the launcher");
  const char* ph = detail::g_phase[detail::g_phase_slot.load(std::memory_order_acquire)].text;
  if (*ph) {
    l.add(" at ");
    l.add(ph);
  }
  const int64_t since = detail::g_wait_since_ns.load(std::memory_order_acquire);
  if (since != 0) {
    l.add(", waiting ");
    l.add((detail::now_ns() - since) / 1000000000);
    l.add(" s in ");
    l.add(detail::g_wait_what.load(std::memory_order_relaxed));
  } else {
    l.add(", not waiting on other ranks");
  }
  l.add("\n");
  ssize_t w = ::write(STDERR_FILENO, l.buf, l.n);
  (void)w;
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void watch(State* s) {
  std::unique_lock<std::mutex> lk(s->mu);
  while (!s->stop) {
    const double t = timeout_seconds();
    // Checks ~4 times per timeout, at most once a second: a job ends at most
    // a second after its timeout, and an idle check costs nothing measurable.
    const double period = t > 0 ? std::min(1.0, std::max(0.05, t / 4)) : 1.0;
    s->cv.wait_for(lk, std::chrono::duration<double>(period));
    if (s->stop || t <= 0) continue;
    const int64_t since = detail::g_wait_since_ns.load(std::memory_order_acquire);
    if (since == 0) continue;
    const double waited = static_cast<double>(detail::now_ns() - since) * 1e-9;
    if (waited < t) continue;
    const std::string msg =
        timeout_message(g_rank.load(), detail::g_wait_what.load(std::memory_order_relaxed), phase(), waited) + "\n";
    ssize_t w = ::write(STDERR_FILENO, msg.data(), msg.size());
    (void)w;
    // No MPI from this thread (FUNNELED) and no atexit handlers (they could
    // wait on the stuck main thread): the launcher sees a failed rank and
    // ends the others (collective_watchdog.hpp).
    std::_Exit(kTimeoutExitCode);
  }
}

}  // namespace

void set_timeout(double seconds) {
  detail::g_timeout_s.store(env_timeout(seconds), std::memory_order_relaxed);
}

void start(int rank) {
  if (g_state) return;
  g_rank.store(rank);
  set_timeout(timeout_seconds());
  struct sigaction sa {};
  sa.sa_handler = on_sigterm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  g_state = new State;
  g_state->thread = std::thread(watch, g_state);
}

void stop() {
  if (!g_state || !g_state->thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lk(g_state->mu);
    g_state->stop = true;
  }
  g_state->cv.notify_all();
  g_state->thread.join();
}

std::string timeout_message(int rank, const char* what, const std::string& phase, double waited_s) {
  std::string m = "dvhpc: error (rank " + std::to_string(rank) + "): " + (what && *what ? what : "a collective");
  if (!phase.empty()) m += " at " + phase;
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.0f", waited_s);
  m += std::string(" waited ") + secs + " s for other ranks; a rank has failed or stopped: aborting (mpi_timeout " +
       std::to_string(static_cast<long long>(std::lround(timeout_seconds()))) + " s)";
  return m;
}

}  // namespace dvhpc::watchdog
