// The MPI layer: one communicator wrapper that works both as a single process
// started without mpirun and under `mpirun -np N` / `srun`.
//
// Error policy: library code throws dvhpc::Error. main() catches it on the
// rank where it happened and calls Comm::abort_with(), which prints the
// message once (prefixed by the rank) and MPI_Abort()s the job, so the other
// ranks never wait forever in a collective. Errors that every rank detects
// identically (config validation) are printed by rank 0 only and all ranks
// exit with the same code through Comm::exit_all().
//
// Hang policy: a rank that dies (kill -9, OOM killer, segfault) or stops
// (deadlock, infinite loop) never calls abort_with, and the other ranks would
// wait in their next collective forever. Every collective below is therefore
// marked with the collective watchdog (collective_watchdog.hpp): a rank that
// has waited longer than `mpi_timeout` seconds prints what it waited in and
// at which step, and ends the job.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dvhpc/error.hpp"

#define DVHPC_CHECK_MPI(x)                                                                \
  do {                                                                                    \
    int dvhpc_mpi_rc_ = (x);                                                              \
    if (dvhpc_mpi_rc_ != MPI_SUCCESS)                                                     \
      ::dvhpc::throw_library_error("MPI", #x, __FILE__, __LINE__,                         \
                                   ::dvhpc::mpi_error_string(dvhpc_mpi_rc_));             \
  } while (0)

namespace dvhpc {

std::string mpi_error_string(int code);

class Comm {
 public:
  // Wraps MPI_COMM_WORLD (after MpiSession has initialised MPI).
  static Comm world();
  // Collective over c (finds the node-local rank): every rank of c constructs it.
  explicit Comm(MPI_Comm c);

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  MPI_Comm raw() const { return comm_; }

  // Rank within the node (for GPU selection: one GPU per local rank).
  int local_rank() const { return local_rank_; }
  int local_size() const { return local_size_; }

  void barrier() const;
  // Results are [[nodiscard]]: a collective whose result is dropped is a bug
  // (or a barrier in disguise; say so with barrier()).
  [[nodiscard]] double allreduce_max(double v) const;
  [[nodiscard]] double allreduce_sum(double v) const;
  [[nodiscard]] int64_t allreduce_sum(int64_t v) const;
  // Element-wise sum over ranks of n doubles, in place (any n).
  void allreduce_sum(double* data, int64_t n) const;
  [[nodiscard]] bool allreduce_or(bool v) const;
  // Every rank's value, on every rank.
  [[nodiscard]] std::vector<double> allgather(double v) const;
  [[nodiscard]] std::vector<int64_t> allgather(int64_t v) const;
  // Every rank's vector, concatenated in rank order, on every rank.
  [[nodiscard]] std::vector<int64_t> allgatherv(const std::vector<int64_t>& v) const;
  // Root's string on every rank. Any size: sent in pieces under MPI's int count.
  [[nodiscard]] std::string broadcast(const std::string& s, int root = 0) const;
  // Every rank's string, on `root` only (index = rank); empty elsewhere. Any size.
  [[nodiscard]] std::vector<std::string> gather(const std::string& s, int root = 0) const;

  // Collective error agreement: every rank passes its own error ("" = none).
  // If any rank failed, every rank throws Error(kind) with the message of the
  // lowest failing rank (prefixed by that rank), so no rank goes on alone to
  // the next collective and the message names where it happened.
  void agree_or_throw(const std::string& local_error, ErrorKind kind) const;
  // The same around a step that every rank runs and that makes no collective
  // of its own (opening inputs, validation, loading models): if it throws on
  // any rank, every rank throws Error::on_all_ranks with the lowest failing
  // rank's message and ErrorKind, so the job prints one line and every rank
  // exits with the same code, instead of each rank printing before MPI_Abort.
  void agree(const std::function<void()>& step) const;

  // Prints `msg` to stderr as "dvhpc: error (rank R): msg" and aborts all ranks.
  [[noreturn]] void abort_with(const std::string& msg, int code) const;

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  int local_rank_ = 0, local_size_ = 1;  // within the node, set at construction
};

// RAII MPI_Init_thread / MPI_Finalize. Requests MPI_THREAD_FUNNELED: only the
// main thread calls MPI; Kokkos/OpenMP threads do not.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

}  // namespace dvhpc
