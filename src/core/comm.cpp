#include "dvhpc/comm.hpp"

#include <cstdio>
#include <cstdlib>

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
  }
  int provided = 0;
  // FUNNELED: only the main thread calls MPI; OpenMP/Kokkos threads never do.
  DVHPC_CHECK_MPI(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided));
  // Errors come back as codes, so DVHPC_CHECK_MPI can turn them into messages.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Comm Comm::world() { return Comm(MPI_COMM_WORLD); }

Comm::Comm(MPI_Comm c) : comm_(c) {
  DVHPC_CHECK_MPI(MPI_Comm_rank(comm_, &rank_));
  DVHPC_CHECK_MPI(MPI_Comm_size(comm_, &size_));
}

namespace {
MPI_Comm node_comm(MPI_Comm c) {
  MPI_Comm node;
  DVHPC_CHECK_MPI(MPI_Comm_split_type(c, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  return node;
}
}  // namespace

int Comm::local_rank() const {
  MPI_Comm node = node_comm(comm_);
  int r = 0;
  MPI_Comm_rank(node, &r);
  MPI_Comm_free(&node);
  return r;
}

int Comm::local_size() const {
  MPI_Comm node = node_comm(comm_);
  int s = 1;
  MPI_Comm_size(node, &s);
  MPI_Comm_free(&node);
  return s;
}

void Comm::barrier() const { DVHPC_CHECK_MPI(MPI_Barrier(comm_)); }

double Comm::allreduce_max(double v) const {
  double out = 0;
  DVHPC_CHECK_MPI(MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, comm_));
  return out;
}

double Comm::allreduce_sum(double v) const {
  double out = 0;
  DVHPC_CHECK_MPI(MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_SUM, comm_));
  return out;
}

int64_t Comm::allreduce_sum(int64_t v) const {
  int64_t out = 0;
  DVHPC_CHECK_MPI(MPI_Allreduce(&v, &out, 1, MPI_INT64_T, MPI_SUM, comm_));
  return out;
}

bool Comm::allreduce_or(bool v) const {
  int in = v ? 1 : 0, out = 0;
  DVHPC_CHECK_MPI(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, comm_));
  return out != 0;
}

std::vector<double> Comm::allgather(double v) const {
  std::vector<double> out(size_);
  DVHPC_CHECK_MPI(MPI_Allgather(&v, 1, MPI_DOUBLE, out.data(), 1, MPI_DOUBLE, comm_));
  return out;
}

std::vector<int64_t> Comm::allgather(int64_t v) const {
  std::vector<int64_t> out(size_);
  DVHPC_CHECK_MPI(MPI_Allgather(&v, 1, MPI_INT64_T, out.data(), 1, MPI_INT64_T, comm_));
  return out;
}

std::string Comm::broadcast(const std::string& s, int root) const {
  int64_t n = static_cast<int64_t>(s.size());
  DVHPC_CHECK_MPI(MPI_Bcast(&n, 1, MPI_INT64_T, root, comm_));
  std::string out = rank_ == root ? s : std::string(static_cast<size_t>(n), '\0');
  if (n > 0) DVHPC_CHECK_MPI(MPI_Bcast(out.data(), static_cast<int>(n), MPI_CHAR, root, comm_));
  return out;
}

std::vector<std::string> Comm::gather(const std::string& s, int root) const {
  // Sizes first (as int64 so a rank may send more than 2 GB worth of counts
  // checks), then the bytes with Gatherv; MPI counts are int, so refuse >2 GB.
  int64_t n = static_cast<int64_t>(s.size());
  std::vector<int64_t> sizes(rank_ == root ? size_ : 0);
  DVHPC_CHECK_MPI(MPI_Gather(&n, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, root, comm_));
  std::vector<int> counts, displs;
  std::string all;
  if (rank_ == root) {
    int64_t total = 0;
    for (int64_t x : sizes) {
      displs.push_back(static_cast<int>(total));
      counts.push_back(static_cast<int>(x));
      total += x;
    }
    if (total > INT32_MAX)
      throw Error(ErrorKind::Internal, "Comm::gather: more than 2 GB gathered on one rank");
    all.resize(static_cast<size_t>(total));
  }
  DVHPC_CHECK_MPI(MPI_Gatherv(s.data(), static_cast<int>(n), MPI_CHAR, all.data(), counts.data(),
                              displs.data(), MPI_CHAR, root, comm_));
  std::vector<std::string> out;
  if (rank_ == root)
    for (int r = 0; r < size_; ++r) out.push_back(all.substr(displs[r], counts[r]));
  return out;
}

void Comm::abort_with(const std::string& msg, int code) const {
  if (size_ > 1)
    std::fprintf(stderr, "dvhpc: error (rank %d of %d): %s\n", rank_, size_, msg.c_str());
  else
    std::fprintf(stderr, "dvhpc: error: %s\n", msg.c_str());
  std::fflush(stderr);
  if (size_ > 1) MPI_Abort(comm_, code);
  // Single process: a clean exit keeps the exit code meaningful.
  MPI_Finalize();
  std::exit(code);
}

}  // namespace dvhpc
