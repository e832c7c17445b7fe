#include "dvhpc/comm.hpp"

#include <algorithm>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "dvhpc/collective_watchdog.hpp"

namespace dvhpc {

std::string mpi_error_string(int code) {
  char buf[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(code, buf, &len) != MPI_SUCCESS) return "MPI error " + std::to_string(code);
  return std::string(buf, len);
}

MpiSession::MpiSession(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return;
  // Started without mpirun (a singleton), Open MPI 4 would first spawn a
  // helper daemon (0.1 s) and then probe every point-to-point layer, the
  // libfabric/PSM ones of pml "cm" included (0.2 s): together 0.3 s of a 1 s
  // NA12878 call, and of every failed run (perf/RESULTS.md). A singleton talks only to itself,
  // so it runs isolated (dvhpc never spawns processes) on pml ob1. Variables
  // the user set win (overwrite 0); launched ranks keep their transports;
  // other MPIs ignore these.
  if (!std::getenv("OMPI_COMM_WORLD_SIZE") && !std::getenv("PMI_RANK") && !std::getenv("PMIX_RANK")) {
    setenv("OMPI_MCA_ess_singleton_isolated", "1", 0);
    setenv("OMPI_MCA_pml", "ob1", 0);
    // Isolated singletons on one node share one session directory; when one
    // ends it removes it, and another's MPI_File_open (every VCF and HDF5
    // write) fails in the shared-file-pointer "sm" component ("unable to
    // open file for mmap", MPI_ERR_OTHER): seen in 3 of 1,000 per-sample calls
    // run 2 at a time (perf/cohort.sh). dvhpc uses no shared file pointers.
    setenv("OMPI_MCA_sharedfp", "^sm", 0);
  }
  int provided = 0;
  // FUNNELED: only the main thread calls MPI; OpenMP/Kokkos threads never do.
  DVHPC_CHECK_MPI(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided));
  // Errors come back as codes, so DVHPC_CHECK_MPI can turn them into messages.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  // A single process has no other rank to wait for: no watchdog thread.
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size > 1) watchdog::start(rank);
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) {
    watchdog::Wait w("MPI_Finalize");  // synchronises with the other ranks
    MPI_Finalize();
  }
  watchdog::stop();
}

Comm Comm::world() { return Comm(MPI_COMM_WORLD); }

Comm::Comm(MPI_Comm c) : comm_(c) {
  DVHPC_CHECK_MPI(MPI_Comm_rank(comm_, &rank_));
  DVHPC_CHECK_MPI(MPI_Comm_size(comm_, &size_));
  // The node-local rank and size, found here (a collective over c, which
  // every rank of c constructs) so that the getters are plain reads: a getter
  // that split the communicator would hang if one rank alone called it.
  if (size_ == 1) return;
  MPI_Comm node;
  {
    watchdog::Wait w("MPI_Comm_split_type");
    DVHPC_CHECK_MPI(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  }
  DVHPC_CHECK_MPI(MPI_Comm_rank(node, &local_rank_));
  DVHPC_CHECK_MPI(MPI_Comm_size(node, &local_size_));
  DVHPC_CHECK_MPI(MPI_Comm_free(&node));
}

void Comm::barrier() const { DVHPC_CHECK_MPI(MPI_Barrier(comm_)); }

double Comm::allreduce_max(double v) const {
  double out = 0;
  watchdog::Wait w("MPI_Allreduce");
  DVHPC_CHECK_MPI(MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, comm_));
  return out;
}

double Comm::allreduce_sum(double v) const {
  double out = 0;
  watchdog::Wait w("MPI_Allreduce");
  DVHPC_CHECK_MPI(MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_SUM, comm_));
  return out;
}

int64_t Comm::allreduce_sum(int64_t v) const {
  int64_t out = 0;
  watchdog::Wait w("MPI_Allreduce");
  DVHPC_CHECK_MPI(MPI_Allreduce(&v, &out, 1, MPI_INT64_T, MPI_SUM, comm_));
  return out;
}

void Comm::allreduce_sum(double* data, int64_t n) const {
  // In place, in pieces under MPI's int count.
  constexpr int64_t kPiece = int64_t{1} << 27;
  for (int64_t at = 0; at < n; at += kPiece) {
    const int count = static_cast<int>(std::min(kPiece, n - at));
    watchdog::Wait w("MPI_Allreduce");
    DVHPC_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, data + at, count, MPI_DOUBLE, MPI_SUM, comm_));
  }
}

bool Comm::allreduce_or(bool v) const {
  int in = v ? 1 : 0, out = 0;
  watchdog::Wait w("MPI_Allreduce");
  DVHPC_CHECK_MPI(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, comm_));
  return out != 0;
}

std::vector<double> Comm::allgather(double v) const {
  std::vector<double> out(size_);
  watchdog::Wait w("MPI_Allgather");
  DVHPC_CHECK_MPI(MPI_Allgather(&v, 1, MPI_DOUBLE, out.data(), 1, MPI_DOUBLE, comm_));
  return out;
}

std::vector<int64_t> Comm::allgather(int64_t v) const {
  std::vector<int64_t> out(size_);
  watchdog::Wait w("MPI_Allgather");
  DVHPC_CHECK_MPI(MPI_Allgather(&v, 1, MPI_INT64_T, out.data(), 1, MPI_INT64_T, comm_));
  return out;
}

namespace {
// MPI counts are int: larger messages go in pieces of at most 1 GiB.
constexpr int64_t kMaxPiece = int64_t{1} << 30;
}  // namespace

std::vector<int64_t> Comm::allgatherv(const std::vector<int64_t>& v) const {
  std::vector<int64_t> counts = allgather(static_cast<int64_t>(v.size()));
  int64_t total = 0;
  std::vector<int> c(static_cast<size_t>(size_)), d(static_cast<size_t>(size_));
  for (int r = 0; r < size_; ++r) {
    if (total + counts[r] > INT32_MAX)
      throw Error(ErrorKind::Internal, "Comm::allgatherv: over 2^31 values gathered");
    d[r] = static_cast<int>(total);
    c[r] = static_cast<int>(counts[r]);
    total += counts[r];
  }
  std::vector<int64_t> out(static_cast<size_t>(total));
  watchdog::Wait w("MPI_Allgatherv");
  DVHPC_CHECK_MPI(MPI_Allgatherv(v.data(), static_cast<int>(v.size()), MPI_INT64_T, out.data(), c.data(), d.data(),
                                 MPI_INT64_T, comm_));
  return out;
}

std::string Comm::broadcast(const std::string& s, int root) const {
  int64_t n = static_cast<int64_t>(s.size());
  watchdog::Wait w("MPI_Bcast");
  DVHPC_CHECK_MPI(MPI_Bcast(&n, 1, MPI_INT64_T, root, comm_));
  std::string out = rank_ == root ? s : std::string(static_cast<size_t>(n), '\0');
  for (int64_t off = 0; off < n; off += kMaxPiece) {
    const int piece = static_cast<int>(std::min(kMaxPiece, n - off));
    watchdog::Wait w("MPI_Bcast");
    DVHPC_CHECK_MPI(MPI_Bcast(out.data() + off, piece, MPI_CHAR, root, comm_));
  }
  return out;
}

std::vector<std::string> Comm::gather(const std::string& s, int root) const {
  // Sizes first, then each rank's bytes to the root point to point, in
  // pieces: no int count or int displacement anywhere.
  int64_t n = static_cast<int64_t>(s.size());
  std::vector<int64_t> sizes(rank_ == root ? size_ : 0);
  watchdog::Wait w("MPI_Gather");
  DVHPC_CHECK_MPI(MPI_Gather(&n, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, root, comm_));
  std::vector<std::string> out;
  constexpr int kTag = 7301;
  if (rank_ == root) {
    out.resize(static_cast<size_t>(size_));
    for (int r = 0; r < size_; ++r) {
      if (r == root) {
        out[r] = s;
        continue;
      }
      out[r].resize(static_cast<size_t>(sizes[r]));
      for (int64_t off = 0; off < sizes[r]; off += kMaxPiece) {
        const int piece = static_cast<int>(std::min(kMaxPiece, sizes[r] - off));
        watchdog::Wait w("MPI_Recv (gather)");
        DVHPC_CHECK_MPI(MPI_Recv(out[r].data() + off, piece, MPI_CHAR, r, kTag, comm_, MPI_STATUS_IGNORE));
      }
    }
  } else {
    for (int64_t off = 0; off < n; off += kMaxPiece) {
      const int piece = static_cast<int>(std::min(kMaxPiece, n - off));
      watchdog::Wait w("MPI_Send (gather)");
      DVHPC_CHECK_MPI(MPI_Send(s.data() + off, piece, MPI_CHAR, root, kTag, comm_));
    }
  }
  return out;
}

namespace {

// The lowest rank with an error (size when none), its message and kind, on
// every rank.
struct Agreed {
  int rank;
  std::string msg;
  ErrorKind kind;
};

Agreed agree_on_error(const Comm& comm, MPI_Comm mpi, const std::string& local_error, ErrorKind local_kind) {
  int mine = local_error.empty() ? comm.size() : comm.rank(), first = comm.size();
  {
    watchdog::Wait w("MPI_Allreduce");
    DVHPC_CHECK_MPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, mpi));
  }
  if (first == comm.size()) return {first, "", local_kind};
  std::string msg = comm.broadcast(local_error, first);
  int64_t kind = static_cast<int64_t>(local_kind);
  kind = std::stoll(comm.broadcast(std::to_string(kind), first));
  if (comm.size() > 1) msg = "rank " + std::to_string(first) + ": " + msg;
  return {first, msg, static_cast<ErrorKind>(kind)};
}

}  // namespace

void Comm::agree_or_throw(const std::string& local_error, ErrorKind kind) const {
  const Agreed a = agree_on_error(*this, comm_, local_error, kind);
  if (a.rank < size_) throw Error::on_all_ranks(kind, a.msg);
}

void Comm::agree(const std::function<void()>& step) const {
  std::string error;
  ErrorKind kind = ErrorKind::Internal;
  try {
    step();
  } catch (const Error& e) {
    error = e.what(), kind = e.kind();
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what();
  }
  const Agreed a = agree_on_error(*this, comm_, error, kind);
  if (a.rank < size_) throw Error::on_all_ranks(a.kind, a.msg);
}

void Comm::abort_with(const std::string& msg, int code) const {
  // The step this rank was at ("train step 12"), so that the failing rank's
  // line can be matched with the others' "stopped by the launcher at ..." lines.
  const std::string phase = watchdog::phase();
  if (size_ > 1 && !phase.empty())
    std::fprintf(stderr, "dvhpc: error (rank %d of %d): %s (at %s)\n", rank_, size_, msg.c_str(), phase.c_str());
  else if (size_ > 1)
    std::fprintf(stderr, "dvhpc: error (rank %d of %d): %s\n", rank_, size_, msg.c_str());
  else
    std::fprintf(stderr, "dvhpc: error: %s\n", msg.c_str());
  std::fflush(stderr);
  if (size_ > 1) {
    // This rank's message is printed; the launcher's SIGTERM that follows
    // MPI_Abort must not add a "stopped by the launcher" line for it too.
    std::signal(SIGTERM, SIG_DFL);
    MPI_Abort(comm_, code);
  }
  // Single process: a clean exit keeps the exit code meaningful.
  MPI_Finalize();
  std::exit(code);
}

}  // namespace dvhpc
