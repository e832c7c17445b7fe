#include "dvhpc/example_store.hpp"

#include <algorithm>
#include <cstring>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/h5_handle.hpp"
#include "dvhpc/h5_read.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/pileup_image.hpp"
#include "dvhpc/version.hpp"

namespace dvhpc {

void ExampleBuffer::add_meta(const Candidate& site, const ExampleQuery& q, int8_t label) {
  labels.push_back(label);
  contig.push_back(site.contig);
  pos.push_back(site.pos + 1);
  ref.push_back(site.ref);
  alt.push_back(query_alt_string(site, q));
  std::string all;
  for (const auto& a : site.alts) all += (all.empty() ? "" : ",") + a;
  site_alts.push_back(all);
  variant_type.push_back(query_variant_type(site, q));
  depth.push_back(site.total);
  alt_count.push_back(query_alt_count(site, q));
}

ExampleStore::ExampleStore(const std::string& path) : path_(path) {
  H5E_BEGIN_TRY { file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  if (file_ < 0)
    throw Error(ErrorKind::Input, "cannot open example file '" + path + "' (make it with dvhpc make-examples)");
  auto num = [&](const char* name) {
    try {
      return std::stoi(attribute(name));
    } catch (const std::logic_error&) {
      throw Error(ErrorKind::Input, "example file '" + path + "': attribute '" + name + "' is not a number");
    }
  };
  if (attribute("schema_version") != "1")
    throw Error(ErrorKind::Input, "example file '" + path + "' has schema_version '" + attribute("schema_version") +
                                      "'; this dvhpc reads version 1 (remake it with this make-examples)");
  h_ = num("pileup_height");
  w_ = num("pileup_width");
  c_ = num("pileup_channels");
  fw_ = num("feature_window");
  fc_ = num("feature_channels");
  H5Handle d{H5Dopen2(file_, "/labels", H5P_DEFAULT), H5Dclose};
  if (d.id < 0) throw Error(ErrorKind::Input, "example file '" + path + "' has no /labels");
  H5Handle s{H5Dget_space(d.id), H5Sclose};
  hsize_t dims[1] = {0};
  H5Sget_simple_extent_dims(s.id, dims, nullptr);
  n_ = static_cast<int64_t>(dims[0]);
}

ExampleStore::~ExampleStore() {
  if (file_ >= 0) H5Fclose(file_);
}

std::string ExampleStore::attribute(const std::string& name) const {
  if (H5Aexists(file_, name.c_str()) <= 0)
    throw Error(ErrorKind::Input, "example file '" + path_ + "' has no attribute '" + name + "'");
  H5Handle a{H5Aopen(file_, name.c_str(), H5P_DEFAULT), H5Aclose};
  H5Handle t{H5Aget_type(a.id), H5Tclose};
  std::string v(H5Tget_size(t.id), '\0');
  DVHPC_CHECK_H5(H5Aread(a.id, t.id, v.data()));
  v.resize(std::strlen(v.c_str()));
  return v;
}

void ExampleStore::read_rows(const std::string& dataset, hid_t type, const std::vector<int64_t>& idx,
                             int64_t row_elems, void* out, size_t elem_size) const {
  if (idx.empty()) return;
  // Unique sorted rows, then runs of consecutive rows -> one hyperslab union.
  std::vector<int64_t> rows(idx);
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  if (rows.front() < 0 || rows.back() >= n_)
    throw Error(ErrorKind::Input, "example index out of range 0.." + std::to_string(n_ - 1) + " in " + path_);
  H5Handle d{H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose};
  if (d.id < 0) throw Error(ErrorKind::Input, "example file '" + path_ + "' has no " + dataset);
  H5Handle fs{H5Dget_space(d.id), H5Sclose};
  const int rank = H5Sget_simple_extent_ndims(fs.id);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(fs.id, dims.data(), nullptr);
  std::vector<hsize_t> start(dims.size(), 0), count(dims);
  H5Sselect_none(fs.id);
  for (size_t i = 0; i < rows.size();) {
    size_t j = i + 1;
    while (j < rows.size() && rows[j] == rows[j - 1] + 1) ++j;
    start[0] = static_cast<hsize_t>(rows[i]);
    count[0] = static_cast<hsize_t>(j - i);
    DVHPC_CHECK_H5(H5Sselect_hyperslab(fs.id, H5S_SELECT_OR, start.data(), nullptr, count.data(), nullptr));
    i = j;
  }
  hsize_t mdims[1] = {static_cast<hsize_t>(rows.size()) * static_cast<hsize_t>(row_elems)};
  H5Handle ms{H5Screate_simple(1, mdims, nullptr), H5Sclose};
  const size_t row_bytes = static_cast<size_t>(row_elems) * elem_size;
  const bool direct = rows.size() == idx.size() && std::is_sorted(idx.begin(), idx.end());
  std::vector<char> tmp(direct ? 0 : rows.size() * row_bytes);
  DVHPC_CHECK_H5(H5Dread(d.id, type, ms.id, fs.id, H5P_DEFAULT, direct ? out : tmp.data()));
  if (direct) return;
  char* o = static_cast<char*>(out);
  for (size_t k = 0; k < idx.size(); ++k) {
    const size_t r = static_cast<size_t>(std::lower_bound(rows.begin(), rows.end(), idx[k]) - rows.begin());
    std::memcpy(o + k * row_bytes, tmp.data() + r * row_bytes, row_bytes);
  }
}

void ExampleStore::read_features(const std::vector<int64_t>& idx, float* out) const {
  read_rows("/rnn/features", H5T_NATIVE_FLOAT, idx, feature_size(), out, sizeof(float));
}
void ExampleStore::read_images(const std::vector<int64_t>& idx, uint8_t* out) const {
  read_rows("/cnn/images", H5T_NATIVE_UINT8, idx, image_size(), out, 1);
}
std::vector<int8_t> ExampleStore::read_labels(const std::vector<int64_t>& idx) const {
  std::vector<int8_t> out(idx.size());
  read_rows("/labels", H5T_NATIVE_INT8, idx, 1, out.data(), 1);
  return out;
}

namespace {
template <typename T>
std::vector<T> read_all(hid_t file, const std::string& path, const std::string& name, hid_t type) {
  H5Handle d{H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose};
  if (d.id < 0) throw Error(ErrorKind::Input, "example file '" + path + "' has no " + name);
  H5Handle s{H5Dget_space(d.id), H5Sclose};
  std::vector<T> v(static_cast<size_t>(H5Sget_simple_extent_npoints(s.id)));
  if (!v.empty()) DVHPC_CHECK_H5(H5Dread(d.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()));
  return v;
}
}  // namespace

std::vector<int8_t> ExampleStore::labels() const { return int8s("/labels"); }
std::vector<int64_t> ExampleStore::int64s(const std::string& n) const {
  return read_all<int64_t>(file_, path_, n, H5T_NATIVE_INT64);
}
std::vector<int32_t> ExampleStore::int32s(const std::string& n) const {
  return read_all<int32_t>(file_, path_, n, H5T_NATIVE_INT32);
}
std::vector<int8_t> ExampleStore::int8s(const std::string& n) const {
  return read_all<int8_t>(file_, path_, n, H5T_NATIVE_INT8);
}

std::vector<std::string> ExampleStore::strings(const std::string& name) const {
  return h5_read_strings(file_, path_, name);
}

}  // namespace dvhpc
