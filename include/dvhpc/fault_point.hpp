// Named fault points for the MPI failure matrix (tests/cli/failure_matrix.sh):
// one environment variable makes chosen ranks fail at one phase of a run, so
// a test can check that every way a rank can fail ends the whole job quickly
// with one message naming the rank and the phase, leaves no output under a
// final name, and lets the same command resume. Read once per process; a
// point fires at most once (the first shard, the first draw, ...).
//
//   DVHPC_FAULT=PHASE[@RANKS]   RANKS: a rank, "last" (default) or "all"
//   DVHPC_FAULT_KIND=throw      an Error(Input), as a failed read would (default)
//                   =kill       SIGKILL, as the OOM killer would
//                   =hang       the rank stops for good (a deadlock, a stuck disk)
//
// Phases of `call`: config (validation), partition, shard (a rank's first
// shard), queue (the first draw from the dynamic work queue), vcf_write,
// h5_write (between two collective HDF5 writes). Training has its own step
// hooks (train/fault_injection.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc::fault {

namespace detail {

struct Plan {
  std::string phase, ranks = "last", kind = "throw";
  Plan() {
    const char* f = std::getenv("DVHPC_FAULT");
    if (!f || !*f) return;
    phase = f;
    if (const auto at = phase.find('@'); at != std::string::npos) {
      ranks = phase.substr(at + 1);
      phase.resize(at);
    }
    if (const char* k = std::getenv("DVHPC_FAULT_KIND")) kind = k;
  }
  bool on(int rank, int size) const {
    if (ranks == "all") return true;
    if (ranks == "last") return rank == size - 1;
    return std::atoi(ranks.c_str()) == rank;
  }
};

inline const Plan& plan() {
  static const Plan p;
  return p;
}

}  // namespace detail

// Fails here if DVHPC_FAULT names `phase` and this rank (once per process).
inline void point(const Comm& comm, const char* phase) {
  const detail::Plan& p = detail::plan();
  if (p.phase.empty() || p.phase != phase || !p.on(comm.rank(), comm.size())) return;
  static std::atomic<bool> fired{false};
  if (fired.exchange(true)) return;
  if (p.kind == "kill") std::raise(SIGKILL);
  if (p.kind == "hang")
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  throw Error(ErrorKind::Input, std::string("DVHPC_FAULT: injected failure at ") + phase + " on rank " +
                                    std::to_string(comm.rank()));
}

}  // namespace dvhpc::fault
