// RAII for HDF5 identifiers, so an exception never leaks an open handle.
//   H5Handle space{H5Screate(H5S_SCALAR), H5Sclose};
#pragma once

#include <hdf5.h>

namespace dvhpc {

struct H5Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~H5Handle() {
    if (id >= 0) close(id);
  }
  H5Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
};

}  // namespace dvhpc
