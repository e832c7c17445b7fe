// HDF5 checkpoints (see serialization.hpp for the layout).
#include "dvhpc/nn/serialization.hpp"

#include <hdf5.h>

#include <functional>

#include "dvhpc/error.hpp"

namespace dvhpc::nn {
namespace {

// Closes an HDF5 handle on scope exit so error paths do not leak handles.
struct H5Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  H5Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) { DVHPC_CHECK_H5(id); }
  ~H5Handle() {
    if (id >= 0) close(id);
  }
  operator hid_t() const { return id; }
};

void write_string_attr(hid_t obj, const char* name, const std::string& value) {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  DVHPC_CHECK_H5(H5Tset_size(type, value.size() + 1));
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  DVHPC_CHECK_H5(H5Awrite(attr, type, value.c_str()));
}

std::string read_string_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "";
  H5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  H5Handle type(H5Aget_type(attr), H5Tclose);
  std::string s(H5Tget_size(type), '\0');
  H5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  DVHPC_CHECK_H5(H5Tset_size(mem, s.size()));
  DVHPC_CHECK_H5(H5Aread(attr, mem, s.data()));
  return std::string(s.c_str());
}

void write_int_attr(hid_t obj, const char* name, int64_t v) {
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(H5Acreate2(obj, name, H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  DVHPC_CHECK_H5(H5Awrite(attr, H5T_NATIVE_INT64, &v));
}

int64_t read_int_attr(hid_t obj, const char* name) {
  int64_t v = 0;
  H5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  DVHPC_CHECK_H5(H5Aread(attr, H5T_NATIVE_INT64, &v));
  return v;
}

void write_tensor(Backend& be, hid_t group, const std::string& name, const Tensor& t) {
  std::vector<hsize_t> dims(t.shape().begin(), t.shape().end());
  std::vector<float> host = be.to_host(t);
  H5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  H5Handle ds(H5Dcreate2(group, name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose);
  DVHPC_CHECK_H5(H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, host.data()));
}

void read_tensor(Backend& be, hid_t group, const std::string& where, const std::string& name,
                 const std::string& path, Tensor& t) {
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0)
    throw Error(ErrorKind::Input, "nn: checkpoint " + path + " has no " + where + "/" + name);
  H5Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  H5Handle space(H5Dget_space(ds), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  Shape shape(dims.begin(), dims.end());
  if (shape != t.shape())
    throw Error(ErrorKind::Input, "nn: checkpoint " + path + ": " + where + "/" + name + " has shape " +
                                      shape_str(shape) + ", the model expects " + shape_str(t.shape()));
  std::vector<float> host(static_cast<size_t>(t.numel()));
  DVHPC_CHECK_H5(H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, host.data()));
  be.upload(host.data(), t);
}

hid_t create_group(hid_t parent, const std::string& name) {
  return H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

hid_t open_group(hid_t parent, const std::string& name, const std::string& path) {
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) <= 0)
    throw Error(ErrorKind::Input, "nn: checkpoint " + path + " has no group " + name);
  return H5Gopen2(parent, name.c_str(), H5P_DEFAULT);
}

}  // namespace

void save_checkpoint(const std::string& path, Model& model, Optimizer* opt) {
  Backend& be = model.backend();
  hid_t fid = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (fid < 0) throw Error(ErrorKind::Output, "nn: cannot create checkpoint " + path);
  H5Handle file(fid, H5Fclose);
  write_string_attr(file, "format", "dvhpc-nn-1");
  write_string_attr(file, "arch", model.arch());
  {
    H5Handle g(create_group(file, "params"), H5Gclose);
    for (Param* p : model.parameters()) write_tensor(be, g, p->name, p->value);
  }
  {
    H5Handle g(create_group(file, "buffers"), H5Gclose);
    for (Param* p : model.buffers()) write_tensor(be, g, p->name, p->value);
  }
  if (opt) {
    H5Handle g(create_group(file, "optimizer"), H5Gclose);
    write_string_attr(g, "kind", opt->kind());
    write_int_attr(g, "steps", opt->steps());
    std::map<std::string, std::unique_ptr<H5Handle>> slots;
    for (auto& [name, t] : opt->state()) {
      const auto slash = name.find('/');
      const std::string slot = name.substr(0, slash);
      auto& sg = slots[slot];
      if (!sg) sg = std::make_unique<H5Handle>(create_group(g, slot), H5Gclose);
      write_tensor(be, *sg, name.substr(slash + 1), *t);
    }
  }
  DVHPC_CHECK_H5(H5Fflush(file, H5F_SCOPE_GLOBAL));
}

void load_checkpoint(const std::string& path, Model& model, Optimizer* opt) {
  Backend& be = model.backend();
  // Silence HDF5's own error stack for the expected "no such file" case.
  H5E_auto2_t old_fn = nullptr;
  void* old_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t fid = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const bool is_hdf5 = fid >= 0 || H5Fis_hdf5(path.c_str()) > 0;
  H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
  if (fid < 0)
    throw Error(ErrorKind::Input, "nn: cannot open model '" + path + "': " +
                                      (is_hdf5 ? "an HDF5 file that cannot be read (truncated or damaged?)"
                                               : "not an HDF5 file, or truncated (a model is the .h5 written by dvhpc train)"));
  H5Handle file(fid, H5Fclose);
  const std::string arch = read_string_attr(file, "arch");
  if (arch != model.arch())
    throw Error(ErrorKind::Input, "nn: model '" + path + "' holds " +
                                      (arch.empty() ? std::string("no network (no 'arch' attribute)")
                                                    : "a '" + arch + "' network") +
                                      ", not the '" + model.arch() + "' this key needs");
  {
    H5Handle g(open_group(file, "params", path), H5Gclose);
    for (Param* p : model.parameters()) read_tensor(be, g, "params", p->name, path, p->value);
  }
  {
    H5Handle g(open_group(file, "buffers", path), H5Gclose);
    for (Param* p : model.buffers()) read_tensor(be, g, "buffers", p->name, path, p->value);
  }
  if (opt) {
    H5Handle g(open_group(file, "optimizer", path), H5Gclose);
    const std::string kind = read_string_attr(g, "kind");
    if (kind != opt->kind())
      throw Error(ErrorKind::Input, "nn: checkpoint " + path + " holds " + kind + " state, not " + opt->kind());
    opt->set_steps(read_int_attr(g, "steps"));
    for (auto& [name, t] : opt->state()) {
      const auto slash = name.find('/');
      H5Handle sg(open_group(g, name.substr(0, slash), path), H5Gclose);
      read_tensor(be, sg, "optimizer/" + name.substr(0, slash), name.substr(slash + 1), path, *t);
    }
  }
}

}  // namespace dvhpc::nn
