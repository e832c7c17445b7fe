#include "dvhpc/ordered_pieces.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc {

std::vector<PieceLayout> layout_pieces(const Comm& comm, const std::vector<int64_t>& keys,
                                       const std::vector<std::vector<int64_t>>& sizes) {
  const size_t kinds = sizes.size(), stride = kinds + 1;
  for (const auto& s : sizes) DVHPC_ASSERT(s.size() == keys.size(), "one size per piece and output");
  std::vector<int64_t> mine;
  mine.reserve(keys.size() * stride);
  for (size_t i = 0; i < keys.size(); ++i) {
    mine.push_back(keys[i]);
    for (size_t k = 0; k < kinds; ++k) mine.push_back(sizes[k][i]);
  }
  const std::vector<int64_t> all = comm.allgatherv(mine);
  const size_t n = all.size() / stride;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return all[a * stride] < all[b * stride]; });
  for (size_t j = 1; j < n; ++j)
    if (all[order[j] * stride] == all[order[j - 1] * stride])
      throw Error(ErrorKind::Internal, "output piece " + std::to_string(all[order[j] * stride]) +
                                           " is held by two ranks");
  std::vector<PieceLayout> out(kinds);
  for (size_t k = 0; k < kinds; ++k) {
    // Offsets by key, then looked up for this rank's keys.
    std::vector<std::pair<int64_t, int64_t>> offset_of;  // (key, offset), ascending key
    offset_of.reserve(n);
    int64_t run = 0;
    for (size_t j : order) {
      offset_of.emplace_back(all[j * stride], run);
      run += all[j * stride + 1 + k];
    }
    out[k].total = run;
    out[k].sizes = sizes[k];
    for (int64_t key : keys) {
      auto it = std::lower_bound(offset_of.begin(), offset_of.end(), std::make_pair(key, INT64_MIN));
      out[k].offsets.push_back(it->second);
    }
  }
  return out;
}

PieceLayout rank_order_layout(const Comm& comm, int64_t local) {
  const std::vector<int64_t> counts = comm.allgather(local);
  PieceLayout rows;
  rows.offsets = {0};
  rows.sizes = {local};
  for (int r = 0; r < comm.size(); ++r) {
    if (r < comm.rank()) rows.offsets[0] += counts[r];
    rows.total += counts[r];
  }
  return rows;
}

namespace {
// Bytes per MPI-IO call: bounded memory and well under MPI's int count.
constexpr int64_t kChunk = int64_t{8} << 20;

void write_at(MPI_File fh, int64_t at, const char* data, int64_t n, const std::string& path) {
  MPI_Status st;
  int rc = MPI_File_write_at(fh, static_cast<MPI_Offset>(at), data, static_cast<int>(n), MPI_BYTE, &st);
  int written = 0;
  if (rc == MPI_SUCCESS) MPI_Get_count(&st, MPI_BYTE, &written);
  if (rc != MPI_SUCCESS || written != n)
    throw Error(ErrorKind::Output, "writing " + std::to_string(n) + " bytes at offset " + std::to_string(at) +
                                       " of '" + path + "' failed" +
                                       (rc != MPI_SUCCESS ? ": " + mpi_error_string(rc) : " (disk full?)"));
}
}  // namespace

void write_pieces(const Comm& comm, const std::string& path, const std::string& head, const PieceLayout& layout,
                  const PieceReader& read, const std::string& tail) {
  const int64_t head_size = comm.allgather(static_cast<int64_t>(head.size()))[0];
  MPI_File fh;
  int rc;
  {
    watchdog::Wait w("MPI_File_open");  // collective
    rc = MPI_File_open(comm.raw(), path.c_str(), MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
  }
  // MPI_File_open is collective and returns the same outcome on every rank.
  if (rc != MPI_SUCCESS)
    throw Error::on_all_ranks(ErrorKind::Output, "cannot create '" + path + "': " + mpi_error_string(rc) +
                                                     " (is the output directory writable and shared by all ranks?)");
  std::string error;
  try {
    // Truncate whatever an earlier run left under this name.
    if (MPI_File_set_size(fh, 0) != MPI_SUCCESS) throw Error(ErrorKind::Output, "cannot truncate '" + path + "'");
    std::vector<char> buf;
    for (size_t i = 0; i < layout.offsets.size(); ++i) {
      const int64_t size = layout.sizes[i];
      for (int64_t off = 0; off < size; off += kChunk) {
        const int64_t n = std::min(kChunk, size - off);
        buf.resize(static_cast<size_t>(n));
        read(i, off, n, buf.data());
        write_at(fh, head_size + layout.offsets[i] + off, buf.data(), n, path);
      }
    }
    if (comm.is_root()) {
      write_at(fh, 0, head.data(), static_cast<int64_t>(head.size()), path);
      write_at(fh, head_size + layout.total, tail.data(), static_cast<int64_t>(tail.size()), path);
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  {
    watchdog::Wait w("MPI_File_close");  // collective
    rc = MPI_File_close(&fh);
  }
  if (error.empty() && rc != MPI_SUCCESS) error = "closing '" + path + "' failed: " + mpi_error_string(rc);
  comm.agree_or_throw(error, ErrorKind::Output);
}

}  // namespace dvhpc
