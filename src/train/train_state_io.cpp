#include "train_state_io.hpp"

#include <hdf5.h>

#include <cstdio>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc::train {
namespace {

void put(hid_t g, const char* name, hid_t type, const void* v) {
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(g, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = a < 0 ? -1 : H5Awrite(a, type, v);
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  DVHPC_CHECK_H5(rc);
}

template <typename T>
T get(hid_t g, const char* name, hid_t type, const std::string& path) {
  T v{};
  hid_t a = H5Aopen(g, name, H5P_DEFAULT);
  if (a < 0 || H5Aread(a, type, &v) < 0) {
    if (a >= 0) H5Aclose(a);
    throw Error(ErrorKind::Input, "checkpoint '" + path + "' lacks training state '" + name + "'");
  }
  H5Aclose(a);
  return v;
}

}  // namespace

void write_train_state(const std::string& path, const TrainState& s, uint64_t seed, int64_t global_batch) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) throw Error(ErrorKind::Output, "cannot reopen checkpoint '" + path + "'");
  hid_t g = H5Gcreate2(f, "/train", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) {
    H5Fclose(f);
    throw Error(ErrorKind::Output, "cannot write training state to '" + path + "'");
  }
  put(g, "epoch", H5T_NATIVE_INT64, &s.epoch);
  put(g, "next_batch", H5T_NATIVE_INT64, &s.next_batch);
  put(g, "step", H5T_NATIVE_INT64, &s.step);
  put(g, "best_val_loss", H5T_NATIVE_DOUBLE, &s.best_val_loss);
  put(g, "bad_epochs", H5T_NATIVE_INT64, &s.bad_epochs);
  put(g, "seed", H5T_NATIVE_UINT64, &seed);
  put(g, "global_batch", H5T_NATIVE_INT64, &global_batch);
  H5Gclose(g);
  if (H5Fclose(f) < 0) throw Error(ErrorKind::Output, "closing checkpoint '" + path + "' failed");
}

TrainState read_train_state(const std::string& path, uint64_t seed, int64_t global_batch) {
  hid_t f = -1;
  H5E_BEGIN_TRY { f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  if (f < 0) throw Error(ErrorKind::Input, "cannot open checkpoint '" + path + "'");
  hid_t g = -1;
  H5E_BEGIN_TRY { g = H5Gopen2(f, "/train", H5P_DEFAULT); }
  H5E_END_TRY;
  if (g < 0) {
    H5Fclose(f);
    throw Error(ErrorKind::Input, "'" + path + "' is a model file, not a training checkpoint (no /train)");
  }
  TrainState s;
  try {
    s.epoch = get<int64_t>(g, "epoch", H5T_NATIVE_INT64, path);
    s.next_batch = get<int64_t>(g, "next_batch", H5T_NATIVE_INT64, path);
    s.step = get<int64_t>(g, "step", H5T_NATIVE_INT64, path);
    s.best_val_loss = get<double>(g, "best_val_loss", H5T_NATIVE_DOUBLE, path);
    s.bad_epochs = get<int64_t>(g, "bad_epochs", H5T_NATIVE_INT64, path);
    auto sd = get<uint64_t>(g, "seed", H5T_NATIVE_UINT64, path);
    auto gb = get<int64_t>(g, "global_batch", H5T_NATIVE_INT64, path);
    if (sd != seed || gb != global_batch)
      throw Error(ErrorKind::Input, "checkpoint '" + path + "' was made with train.seed=" + std::to_string(sd) +
                                        " and train.batch_size=" + std::to_string(gb) +
                                        "; resume with the same values for an exact continuation");
  } catch (...) {
    H5Gclose(g);
    H5Fclose(f);
    throw;
  }
  H5Gclose(g);
  H5Fclose(f);
  return s;
}

void save_checkpoint_on_root(const Comm& comm, const std::string& path,
                             const std::function<void(const std::string& tmp)>& write) {
  std::string error;
  if (comm.is_root()) {
    const std::string tmp = path + ".tmp";
    try {
      write(tmp);
      if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw Error(ErrorKind::Output, "cannot rename '" + tmp + "' to '" + path + "'");
    } catch (const Error& e) {
      std::remove(tmp.c_str());
      error = e.what();
    }
  }
  error = comm.broadcast(error);
  if (!error.empty()) throw Error(ErrorKind::Output, error);
}

}  // namespace dvhpc::train
