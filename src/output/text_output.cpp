#include "dvhpc/text_output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc {

void write_text_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    {
      std::ofstream out(tmp);
      if (!out) throw Error(ErrorKind::Output, "cannot create '" + tmp + "': " + std::strerror(errno));
      write(out);
      if (!out.flush()) throw Error(ErrorKind::Output, "cannot write '" + tmp + "' (disk full?)");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
      throw Error(ErrorKind::Output, "cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

void on_root(const Comm& comm, const std::function<void()>& step) {
  std::string error;
  if (comm.is_root()) {
    try {
      step();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  comm.agree_or_throw(error, ErrorKind::Output);
}

void write_text_on_root(const Comm& comm, const std::string& path,
                        const std::function<void(std::ostream&)>& write) {
  on_root(comm, [&] { write_text_file(path, write); });
}

}  // namespace dvhpc
