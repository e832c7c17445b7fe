#include "dvhpc/h5_read.hpp"

#include <algorithm>
#include <cstring>

#include "dvhpc/error.hpp"
#include "dvhpc/h5_handle.hpp"

namespace dvhpc {
namespace {

struct Selection {
  hid_t file_space;
  hid_t mem_space;
  int64_t count;
};

// Opens `name`; selects rows [row0, row0 + n) of its first axis (all when n < 0).
template <typename F>
void with_rows(hid_t file, const std::string& path, const std::string& name, int64_t row0, int64_t n, F read) {
  H5Handle d{H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose};
  if (d.id < 0) throw Error(ErrorKind::Input, "'" + path + "' has no dataset " + name);
  H5Handle fs{H5Dget_space(d.id), H5Sclose};
  const int rank = H5Sget_simple_extent_ndims(fs.id);
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 1)), 1);
  if (rank > 0) H5Sget_simple_extent_dims(fs.id, dims.data(), nullptr);
  if (n < 0) {
    read(d.id, Selection{H5S_ALL, H5S_ALL, H5Sget_simple_extent_npoints(fs.id)});
    return;
  }
  if (row0 < 0 || row0 + n > static_cast<int64_t>(dims[0]))
    throw Error(ErrorKind::Input, "'" + path + "': rows " + std::to_string(row0) + ".." + std::to_string(row0 + n) +
                                      " of " + name + " out of range (it has " + std::to_string(dims[0]) + ")");
  std::vector<hsize_t> start(dims.size(), 0), count(dims);
  start[0] = static_cast<hsize_t>(row0);
  count[0] = static_cast<hsize_t>(n);
  DVHPC_CHECK_H5(H5Sselect_hyperslab(fs.id, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr));
  hsize_t total = 1;
  for (hsize_t c : count) total *= c;
  H5Handle ms{H5Screate_simple(1, &total, nullptr), H5Sclose};
  read(d.id, Selection{fs.id, ms.id, static_cast<int64_t>(total)});
}

template <typename T>
std::vector<T> read_numbers(hid_t file, const std::string& path, const std::string& name, int64_t row0, int64_t n,
                            hid_t type) {
  std::vector<T> out;
  with_rows(file, path, name, row0, n, [&](hid_t d, const Selection& s) {
    out.resize(static_cast<size_t>(s.count));
    if (s.count > 0) DVHPC_CHECK_H5(H5Dread(d, type, s.mem_space, s.file_space, H5P_DEFAULT, out.data()));
  });
  return out;
}

}  // namespace

bool h5_has(hid_t file, const std::string& name) { return H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0; }

std::vector<std::string> h5_read_strings(hid_t file, const std::string& path, const std::string& name, int64_t row0,
                                         int64_t n) {
  std::vector<std::string> out;
  with_rows(file, path, name, row0, n, [&](hid_t d, const Selection& s) {
    H5Handle t{H5Dget_type(d), H5Tclose};
    if (H5Tget_class(t.id) != H5T_STRING) throw Error(ErrorKind::Input, name + " in '" + path + "' is not a string dataset");
    out.resize(static_cast<size_t>(s.count));
    if (s.count == 0) return;
    if (H5Tis_variable_str(t.id) > 0) {
      H5Handle mt{H5Tcopy(H5T_C_S1), H5Tclose};
      DVHPC_CHECK_H5(H5Tset_size(mt.id, H5T_VARIABLE));
      std::vector<char*> ptrs(out.size(), nullptr);
      DVHPC_CHECK_H5(H5Dread(d, mt.id, s.mem_space, s.file_space, H5P_DEFAULT, ptrs.data()));
      for (size_t i = 0; i < out.size(); ++i) out[i] = ptrs[i] ? ptrs[i] : "";
      H5Handle space{s.mem_space == H5S_ALL ? H5Dget_space(d) : H5Scopy(s.mem_space), H5Sclose};
      H5Dvlen_reclaim(mt.id, space.id, H5P_DEFAULT, ptrs.data());
      return;
    }
    const size_t width = H5Tget_size(t.id);
    std::vector<char> buf(out.size() * width);
    DVHPC_CHECK_H5(H5Dread(d, t.id, s.mem_space, s.file_space, H5P_DEFAULT, buf.data()));
    for (size_t i = 0; i < out.size(); ++i) out[i] = std::string(&buf[i * width], strnlen(&buf[i * width], width));
  });
  return out;
}

std::vector<int64_t> h5_read_int64(hid_t file, const std::string& path, const std::string& name, int64_t row0, int64_t n) {
  return read_numbers<int64_t>(file, path, name, row0, n, H5T_NATIVE_INT64);
}
std::vector<double> h5_read_double(hid_t file, const std::string& path, const std::string& name, int64_t row0, int64_t n) {
  return read_numbers<double>(file, path, name, row0, n, H5T_NATIVE_DOUBLE);
}
std::vector<float> h5_read_float(hid_t file, const std::string& path, const std::string& name, int64_t row0, int64_t n) {
  return read_numbers<float>(file, path, name, row0, n, H5T_NATIVE_FLOAT);
}

}  // namespace dvhpc
