// The collective watchdog: no MPI job of dvhpc hangs silently.
//
// Why: a rank that dies (kill -9, the OOM killer, a segfault) or stops
// (a deadlock, an endless loop, a stuck file system) never reaches the error
// path of main(), and the other ranks wait in their next collective forever:
// the failure of the data-parallel training this project started from, hung
// for hours with no message. MPI collectives have no timeout of their own.
//
// How: before a call that may block on other ranks, the calling thread marks
// it with a watchdog::Wait ("entering MPI_Allreduce (gradients)"); that is one
// atomic store of the start time and one of a static string, no lock and no
// allocation, so it sits on every collective, the per-step gradient allreduce
// included. A background thread, started once per process (start(), from
// MpiSession when there is more than one rank), looks about once a second; a
// wait older than `mpi_timeout` seconds makes it print one line
//   dvhpc: error (rank R): <what> at <phase> waited N s for other ranks; a rank has failed or stopped: aborting
// and end the process with exit code kTimeoutExitCode.
//
// Why _exit and not MPI_Abort: MPI runs in MPI_THREAD_FUNNELED mode, so the
// watchdog thread may not call MPI at all, and the main thread is stuck inside
// MPI. A process that exits without MPI_Finalize is what mpirun (Open MPI 4.1:
// "exited with non-zero status ... the job has been aborted"; mpirun returns
// the code) and srun (--kill-on-bad-exit) treat as a failed job: they SIGTERM
// the other ranks within about a second, then SIGKILL them.
//
// The other side of that: start() also installs a SIGTERM handler that prints
// where this rank was when the launcher ended it,
//   dvhpc: rank R stopped by the launcher at <phase>, waiting N s in <what>
//   dvhpc: rank R stopped by the launcher at <phase>, not waiting on other ranks
// so after a `kill -9` of one rank (which prints nothing itself; mpirun names
// it) the survivors name the step, and after a hang the stuck rank is the one
// "not waiting on other ranks".
//
// The phase ("train step 123 (epoch 2)", "train step 130 (epoch 2, validation)", a ScopedStage name) is set
// by the code that knows it: set_phase() / ScopedPhase. It is kept in a few
// fixed slots so the watchdog thread and the signal handler can read it
// without locks; a phase changed while being read can at worst be printed
// garbled, never crash.
//
// Only header-inline state and functions are used on the hot path, so
// dvhpc_gpu (linked after dvhpc_core, see nn/gpu_check.hpp) can mark its NCCL
// waits and read the timeout without calling into dvhpc_core.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dvhpc::watchdog {

// Exit code of a rank whose watchdog fired (documented in README: Failures
// and timeouts). Distinct from ErrorKind codes 2..6.
constexpr int kTimeoutExitCode = 7;
// Default of the `mpi_timeout` config key; generous because a rank that
// finished its share legitimately waits for slower ranks in the next
// collective (load imbalance), and that must never abort a healthy job.
constexpr double kDefaultTimeoutSeconds = 600;

namespace detail {
constexpr size_t kPhaseSlots = 4;
constexpr size_t kPhaseChars = 120;
struct PhaseSlot {
  char text[kPhaseChars];
};
// Steady-clock nanoseconds when the current wait began; 0 = not waiting.
inline std::atomic<int64_t> g_wait_since_ns{0};
// What is being waited for: a string literal (static lifetime).
inline std::atomic<const char*> g_wait_what{nullptr};
// The current phase: the slot last written (written round-robin).
inline PhaseSlot g_phase[kPhaseSlots] = {};
inline std::atomic<unsigned> g_phase_slot{0};
// Seconds; <= 0 disables the timeout.
inline std::atomic<double> g_timeout_s{kDefaultTimeoutSeconds};

inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace detail

// Marks a potentially blocking call for the lifetime of the object. Nested
// waits (a collective built from collectives) restore the outer one. Only the
// thread that calls MPI (the main thread under FUNNELED) uses it.
class Wait {
 public:
  explicit Wait(const char* what) noexcept
      : prev_since_(detail::g_wait_since_ns.load(std::memory_order_relaxed)),
        prev_what_(detail::g_wait_what.load(std::memory_order_relaxed)) {
    detail::g_wait_what.store(what, std::memory_order_relaxed);
    detail::g_wait_since_ns.store(detail::now_ns(), std::memory_order_release);
  }
  ~Wait() {
    detail::g_wait_since_ns.store(prev_since_, std::memory_order_release);
    detail::g_wait_what.store(prev_what_, std::memory_order_relaxed);
  }
  Wait(const Wait&) = delete;
  Wait& operator=(const Wait&) = delete;

 private:
  int64_t prev_since_;
  const char* prev_what_;
};

// The step or phase named in watchdog and abort messages ("" = none).
inline void set_phase(std::string_view phase) noexcept {
  const unsigned next = (detail::g_phase_slot.load(std::memory_order_relaxed) + 1) % detail::kPhaseSlots;
  const size_t n = std::min(phase.size(), detail::kPhaseChars - 1);
  std::memcpy(detail::g_phase[next].text, phase.data(), n);
  detail::g_phase[next].text[n] = '\0';
  detail::g_phase_slot.store(next, std::memory_order_release);
}

inline std::string phase() {
  return detail::g_phase[detail::g_phase_slot.load(std::memory_order_acquire)].text;
}

// Sets the phase for a scope and restores the previous one after it.
class ScopedPhase {
 public:
  explicit ScopedPhase(std::string_view phase_now) : previous_(phase()) { set_phase(phase_now); }
  ~ScopedPhase() { set_phase(previous_); }
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

 private:
  std::string previous_;
};

inline double timeout_seconds() { return detail::g_timeout_s.load(std::memory_order_relaxed); }

// Sets the timeout (the `mpi_timeout` key; <= 0: never time out). The
// environment variable DVHPC_MPI_TIMEOUT, when set, wins over the config
// (tests and emergencies).
void set_timeout(double seconds);

// Starts the watchdog thread and the SIGTERM reporter once per process (a
// second call does nothing). Called by MpiSession for jobs of 2+ ranks; a
// single process has no other rank to wait for.
void start(int rank);

// Stops the thread (MpiSession's destructor, before MPI_Finalize).
void stop();

// The one line printed when a wait timed out (exposed for tests).
std::string timeout_message(int rank, const char* what, const std::string& phase, double waited_s);

}  // namespace dvhpc::watchdog
