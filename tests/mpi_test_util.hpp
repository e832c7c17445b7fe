// Helpers shared by the MPI tests.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "dvhpc/comm.hpp"

namespace dvhpc::test {

// A fresh directory every rank sees under the same name (rank 0's pid), made
// by rank 0 before any rank uses it.
inline std::string shared_dir(const Comm& w, const std::string& tag) {
  namespace fs = std::filesystem;
  std::string dir =
      w.broadcast(fs::temp_directory_path().string() + "/dvhpc-" + tag + "-" + std::to_string(::getpid()));
  if (w.is_root()) fs::create_directories(dir);
  w.barrier();
  return dir;
}

}  // namespace dvhpc::test
