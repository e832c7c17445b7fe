// A shared counter for dynamic work distribution across ranks: each call of
// next() returns a distinct item index, in increasing order overall, so ranks
// that finish early take more items and none sits idle while another still
// has a long queue. Implemented with MPI-3 one-sided MPI_Fetch_and_op on a
// counter in rank 0's window (passive target: rank 0 does not have to take
// part in each request).
//
// Construction and destruction are collective (except a destruction during
// exception unwinding, which leaves the window to the process exit so that
// the failing rank aborts the job at once).
#pragma once

#include <mpi.h>

#include <cstdint>

namespace dvhpc {

class Comm;

class WorkQueue {
 public:
  explicit WorkQueue(const Comm& comm);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // The next unclaimed index (0, 1, 2, ... across all ranks together).
  int64_t next();

 private:
  MPI_Win win_ = MPI_WIN_NULL;
  int64_t* counter_ = nullptr;
};

}  // namespace dvhpc
