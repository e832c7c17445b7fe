#include "dvhpc/work_queue.hpp"

#include <exception>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/comm.hpp"

namespace dvhpc {

WorkQueue::WorkQueue(const Comm& comm) {
  const MPI_Aint bytes = comm.is_root() ? static_cast<MPI_Aint>(sizeof(int64_t)) : 0;
  {
    watchdog::Wait w("MPI_Win_allocate (work queue)");
    DVHPC_CHECK_MPI(MPI_Win_allocate(bytes, sizeof(int64_t), MPI_INFO_NULL, comm.raw(), &counter_, &win_));
  }
  if (comm.is_root()) {
    DVHPC_CHECK_MPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win_));
    *counter_ = 0;
    DVHPC_CHECK_MPI(MPI_Win_unlock(0, win_));
  }
  comm.barrier();  // nobody draws before the counter is zeroed
}

WorkQueue::~WorkQueue() {
  if (win_ == MPI_WIN_NULL) return;
  // MPI_Win_free is collective: on a rank that leaves by an exception it
  // would wait until every other rank had drained the queue, delaying the
  // abort that main() is about to make by the whole run. The window is left
  // to the process exit instead.
  if (std::uncaught_exceptions() > 0) return;
  watchdog::Wait w("MPI_Win_free (work queue)");
  MPI_Win_free(&win_);
}

int64_t WorkQueue::next() {
  const int64_t one = 1;
  int64_t got = 0;
  // Passive target: a lock on a rank that died or stopped progressing MPI can
  // block; the watchdog turns that into an abort naming the work queue.
  watchdog::Wait w("MPI_Fetch_and_op (work queue)");
  DVHPC_CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win_));
  DVHPC_CHECK_MPI(MPI_Fetch_and_op(&one, &got, MPI_INT64_T, 0, 0, MPI_SUM, win_));
  DVHPC_CHECK_MPI(MPI_Win_unlock(0, win_));
  return got;
}

}  // namespace dvhpc
