#include "dvhpc/h5_file.hpp"
#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/output_set.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/h5_handle.hpp"

namespace dvhpc {
namespace {

// Chunks hold about this many elements (64 KB of int8 genotypes, 512 KB of
// int64 positions, one pileup image): reading one row, as training does at
// random, decompresses little more than that row.
constexpr hsize_t kChunkElems = 65536;

hsize_t pow2_floor(hsize_t x) {
  hsize_t p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}

}  // namespace

H5File::H5File(const Comm& comm, std::string path)
    : comm_(comm), path_(std::move(path)), uncaught_(std::uncaught_exceptions()) {
  // Same temporary name on every rank: rank 0's pid, broadcast.
  tmp_ = comm_.broadcast(path_ + ".tmp-" + std::to_string(::getpid()));
  H5Handle fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
  DVHPC_CHECK_H5(H5Pset_fapl_mpio(fapl.id, comm_.raw(), MPI_INFO_NULL));
  // Collective metadata: all ranks agree on metadata without rank-0 funnelling.
  H5Pset_all_coll_metadata_ops(fapl.id, true);
  H5Pset_coll_metadata_write(fapl.id, true);
  // Every collective HDF5 call below is timed by the watchdog like the Comm
  // collectives: a rank that died or hangs must not leave the others inside
  // MPI-IO for ever (collective_watchdog.hpp).
  {
    watchdog::Wait w("H5Fcreate (collective)");
    H5E_BEGIN_TRY { file_ = H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id); }
    H5E_END_TRY;
  }
  bool ok = comm_.allreduce_or(file_ < 0) == false;
  if (!ok) {
    if (file_ >= 0) H5Fclose(file_);
    file_ = -1;
    throw Error::on_all_ranks(ErrorKind::Output, "cannot create HDF5 file '" + tmp_ +
                                       "' (is the output directory writable and on a shared file system?)");
  }
}

H5File::~H5File() {
  // Unwinding on some ranks only: a collective close here could wait forever
  // for ranks that are elsewhere; main() ends the job instead.
  const bool unwinding = std::uncaught_exceptions() > uncaught_;
  if (file_ >= 0 && (!unwinding || comm_.size() == 1)) H5Fclose(file_);
  if (!committed_ && comm_.is_root()) std::remove(tmp_.c_str());
}

void H5File::create_group(const std::string& name) {
  H5Handle lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id, 1);
  watchdog::Wait w("H5Gcreate (collective)");
  H5Handle g{H5Gcreate2(file_, name.c_str(), lcpl.id, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
  if (g.id < 0) throw Error(ErrorKind::Output, "cannot create HDF5 group '" + name + "' in " + tmp_);
}

template <typename T>
void H5File::write_rows(const std::string& name, hid_t type, const T* data, int64_t local_rows,
                        int64_t cols) {
  write_nd(name, type, data, local_rows, cols > 1 ? std::vector<int64_t>{cols} : std::vector<int64_t>{});
}

void H5File::write_nd(const std::string& name, hid_t type, const void* data, int64_t local_rows,
                      const std::vector<int64_t>& row_shape) {
  const PieceLayout rows = rank_order_layout(comm_, local_rows);
  size_t row_bytes = H5Tget_size(type);
  for (int64_t d : row_shape) row_bytes *= static_cast<size_t>(d);
  write_ordered(name, type, row_shape, rows, [&](size_t, int64_t row0, int64_t n, void* out) {
    std::memcpy(out, static_cast<const char*>(data) + row0 * row_bytes, static_cast<size_t>(n) * row_bytes);
  });
}

void H5File::write_ordered(const std::string& name, hid_t type, const std::vector<int64_t>& row_shape,
                           const PieceLayout& rows, const RowReader& read) {
  const int rank = 1 + static_cast<int>(row_shape.size());
  const hsize_t elem = H5Tget_size(type);
  hsize_t row_elems = 1;
  std::vector<hsize_t> dims{static_cast<hsize_t>(rows.total)};
  for (int64_t d : row_shape) {
    dims.push_back(static_cast<hsize_t>(d));
    row_elems *= static_cast<hsize_t>(d);
  }
  H5Handle fspace{H5Screate_simple(rank, dims.data(), nullptr), H5Sclose};
  H5Handle dcpl{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
  std::vector<hsize_t> chunk(dims);
  const bool data = rows.total > 0 && row_elems > 0;
  if (data) {
    // A row wider than a chunk is cut along its first axis (samples).
    hsize_t inner = row_elems;
    if (rank > 1 && inner > kChunkElems) {
      const hsize_t rest = inner / dims[1];
      chunk[1] = std::max<hsize_t>(1, kChunkElems / std::max<hsize_t>(1, rest));
      inner = chunk[1] * rest;
    }
    chunk[0] = std::min<hsize_t>(pow2_floor(std::max<hsize_t>(1, kChunkElems / inner)), dims[0]);
    DVHPC_CHECK_H5(H5Pset_chunk(dcpl.id, rank, chunk.data()));
    DVHPC_CHECK_H5(H5Pset_deflate(dcpl.id, 4));
  }
  H5Handle lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id, 1);
  watchdog::Wait wc("H5Dcreate (collective)");
  H5Handle dset{H5Dcreate2(file_, name.c_str(), type, fspace.id, lcpl.id, dcpl.id, H5P_DEFAULT), H5Dclose};
  if (dset.id < 0) throw Error(ErrorKind::Output, "cannot create dataset '" + name + "' in " + tmp_);
  if (!data) return;

  // Rounds of whole chunk rows: every rank makes the same number of
  // collective writes, each with the part of its pieces inside the round.
  const hsize_t row_bytes = row_elems * elem;
  const hsize_t round_rows = chunk[0] * std::max<hsize_t>(1, static_cast<hsize_t>(round_bytes_) / (chunk[0] * row_bytes));
  const hsize_t total = dims[0];
  std::vector<size_t> order(rows.offsets.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows.offsets[a] < rows.offsets[b]; });
  H5Handle dxpl{H5Pcreate(H5P_DATASET_XFER), H5Pclose};
  // Compressed datasets can only be written collectively in parallel HDF5.
  DVHPC_CHECK_H5(H5Pset_dxpl_mpio(dxpl.id, H5FD_MPIO_COLLECTIVE));
  std::vector<char> buf;
  std::vector<hsize_t> start(static_cast<size_t>(rank), 0), count(dims);
  size_t first = 0;  // first of this rank's pieces (by offset) not yet wholly written
  for (hsize_t a = 0; a < total; a += round_rows) {
    const hsize_t b = std::min(total, a + round_rows);
    DVHPC_CHECK_H5(H5Sselect_none(fspace.id));
    hsize_t mine = 0;
    buf.clear();
    for (size_t k = first; k < order.size(); ++k) {
      const size_t i = order[k];
      const hsize_t lo = static_cast<hsize_t>(rows.offsets[i]), hi = lo + static_cast<hsize_t>(rows.sizes[i]);
      if (lo >= b) break;
      if (hi <= a) {
        if (k == first) ++first;
        continue;
      }
      const hsize_t s = std::max(lo, a), e = std::min(hi, b);
      start[0] = s;
      count[0] = e - s;
      DVHPC_CHECK_H5(H5Sselect_hyperslab(fspace.id, H5S_SELECT_OR, start.data(), nullptr, count.data(), nullptr));
      buf.resize((mine + count[0]) * row_bytes);
      read(i, static_cast<int64_t>(s - lo), static_cast<int64_t>(count[0]), buf.data() + mine * row_bytes);
      mine += count[0];
    }
    std::vector<hsize_t> mdims(dims);
    mdims[0] = std::max<hsize_t>(1, mine);
    H5Handle mspace{H5Screate_simple(rank, mdims.data(), nullptr), H5Sclose};
    if (mine == 0) DVHPC_CHECK_H5(H5Sselect_none(mspace.id));
    static char none = 0;  // HDF5 wants a buffer even for an empty selection
    watchdog::Wait ww("H5Dwrite (collective)");
    DVHPC_CHECK_H5(H5Dwrite(dset.id, type, mspace.id, fspace.id, dxpl.id, mine ? buf.data() : &none));
  }
}

void H5File::write_ordered_strings(const std::string& name, int64_t local_width, const PieceLayout& rows,
                                   const StringReader& read) {
  const int64_t width = static_cast<int64_t>(comm_.allreduce_max(static_cast<double>(std::max<int64_t>(1, local_width))));
  H5Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, static_cast<size_t>(width));
  H5Tset_strpad(type.id, H5T_STR_NULLPAD);
  write_ordered(name, type.id, {}, rows, [&](size_t i, int64_t row0, int64_t n, void* out) {
    read(i, row0, n, width, static_cast<char*>(out));
  });
}

namespace {
template <typename T> hid_t native_type();
template <> hid_t native_type<uint8_t>() { return H5T_NATIVE_UINT8; }
template <> hid_t native_type<int8_t>() { return H5T_NATIVE_INT8; }
template <> hid_t native_type<int32_t>() { return H5T_NATIVE_INT32; }
template <> hid_t native_type<int64_t>() { return H5T_NATIVE_INT64; }
template <> hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
}  // namespace

template <typename T>
void H5File::write_array(const std::string& name, const std::vector<T>& local, const std::vector<int64_t>& row_shape) {
  int64_t row_elems = 1;
  for (int64_t d : row_shape) row_elems *= d;
  DVHPC_ASSERT(row_elems > 0 && local.size() % static_cast<size_t>(row_elems) == 0,
               "array size is not a multiple of the row size");
  write_nd(name, native_type<T>(), local.data(), static_cast<int64_t>(local.size()) / row_elems, row_shape);
}
template void H5File::write_array(const std::string&, const std::vector<uint8_t>&, const std::vector<int64_t>&);
template void H5File::write_array(const std::string&, const std::vector<int8_t>&, const std::vector<int64_t>&);
template void H5File::write_array(const std::string&, const std::vector<int32_t>&, const std::vector<int64_t>&);
template void H5File::write_array(const std::string&, const std::vector<int64_t>&, const std::vector<int64_t>&);
template void H5File::write_array(const std::string&, const std::vector<float>&, const std::vector<int64_t>&);
template void H5File::write_array(const std::string&, const std::vector<double>&, const std::vector<int64_t>&);

void H5File::write_column(const std::string& n, const std::vector<int32_t>& v) {
  write_rows(n, H5T_NATIVE_INT32, v.data(), static_cast<int64_t>(v.size()), 1);
}
void H5File::write_column(const std::string& n, const std::vector<int64_t>& v) {
  write_rows(n, H5T_NATIVE_INT64, v.data(), static_cast<int64_t>(v.size()), 1);
}
void H5File::write_column(const std::string& n, const std::vector<float>& v) {
  write_rows(n, H5T_NATIVE_FLOAT, v.data(), static_cast<int64_t>(v.size()), 1);
}
void H5File::write_column(const std::string& n, const std::vector<double>& v) {
  write_rows(n, H5T_NATIVE_DOUBLE, v.data(), static_cast<int64_t>(v.size()), 1);
}

int64_t widest(const std::vector<std::string>& v) {
  size_t width = 1;
  for (const auto& s : v) width = std::max(width, s.size());
  return static_cast<int64_t>(width);
}

void copy_padded(const std::vector<std::string>& v, int64_t row0, int64_t n, int64_t width, char* out) {
  std::memset(out, 0, static_cast<size_t>(n * width));
  for (int64_t j = 0; j < n; ++j) v[static_cast<size_t>(row0 + j)].copy(out + j * width, static_cast<size_t>(width));
}

void H5File::write_ordered_strings(const std::string& name, const PieceLayout& rows, const StringAt& at) {
  size_t width = 1;
  for (size_t i = 0; i < rows.sizes.size(); ++i)
    for (int64_t r = 0; r < rows.sizes[i]; ++r) width = std::max(width, at(i, r).size());
  write_ordered_strings(name, static_cast<int64_t>(width), rows,
                        [&](size_t i, int64_t row0, int64_t n, int64_t w, char* out) {
                          std::memset(out, 0, static_cast<size_t>(n * w));
                          for (int64_t j = 0; j < n; ++j) at(i, row0 + j).copy(out + j * w, static_cast<size_t>(w));
                        });
}

void H5File::write_column(const std::string& n, const std::vector<std::string>& v) {
  write_ordered_strings(n, widest(v), rank_order_layout(comm_, static_cast<int64_t>(v.size())),
                        [&](size_t, int64_t row0, int64_t k, int64_t width, char* out) {
                          copy_padded(v, row0, k, width, out);
                        });
}

void H5File::write_matrix(const std::string& n, const std::vector<double>& v, int64_t cols) {
  DVHPC_ASSERT(cols > 0 && v.size() % cols == 0, "matrix size is not a multiple of cols");
  write_rows(n, H5T_NATIVE_DOUBLE, v.data(), static_cast<int64_t>(v.size()) / cols, cols);
}
void H5File::write_matrix(const std::string& n, const std::vector<int8_t>& v, int64_t cols) {
  DVHPC_ASSERT(cols > 0 && v.size() % cols == 0, "matrix size is not a multiple of cols");
  write_rows(n, H5T_NATIVE_INT8, v.data(), static_cast<int64_t>(v.size()) / cols, cols);
}

void H5File::write_attribute(const std::string& object, const std::string& name,
                             const std::string& value) {
  // Attributes are metadata: every rank passes rank 0's value.
  std::string v = comm_.broadcast(value);
  H5Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, std::max<size_t>(1, v.size()));
  H5Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  H5Handle obj{H5Oopen(file_, object.c_str(), H5P_DEFAULT), H5Oclose};
  if (obj.id < 0) throw Error(ErrorKind::Output, "no HDF5 object '" + object + "' for attribute " + name);
  H5Handle attr{H5Acreate2(obj.id, name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) throw Error(ErrorKind::Output, "cannot create attribute '" + name + "'");
  std::string padded = v.empty() ? std::string(1, '\0') : v;
  DVHPC_CHECK_H5(H5Awrite(attr.id, type.id, padded.data()));
}

void H5File::commit(OutputSet* set) {
  herr_t rc = 0;
  {
    watchdog::Wait w("H5Fclose (collective)");
    rc = H5Fclose(file_);
  }
  file_ = -1;
  if (comm_.allreduce_or(rc < 0)) throw Error(ErrorKind::Output, "closing HDF5 file '" + tmp_ + "' failed");
  if (set) {
    set->stage(tmp_, path_);
    committed_ = true;  // the set removes the temporary if it is not committed
    return;
  }
  std::string err;
  if (comm_.is_root() && std::rename(tmp_.c_str(), path_.c_str()) != 0)
    err = "cannot rename '" + tmp_ + "' to '" + path_ + "': " + std::strerror(errno);
  err = comm_.broadcast(err);
  if (!err.empty()) throw Error::on_all_ranks(ErrorKind::Output, err);
  committed_ = true;
}

}  // namespace dvhpc
