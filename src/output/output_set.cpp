#include "dvhpc/output_set.hpp"

#include <glob.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/text_output.hpp"

namespace dvhpc {

OutputSet::~OutputSet() {
  if (committed_ || !comm_.is_root()) return;
  for (const auto& [tmp, path] : staged_) std::remove(tmp.c_str());
}

void OutputSet::stage(const std::string& tmp, const std::string& path) { staged_.emplace_back(tmp, path); }

void OutputSet::require_space(int64_t bytes, const std::string& prefix) const {
  const auto slash = prefix.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : prefix.substr(0, slash);
  std::string error;
  if (comm_.is_root()) {
    struct statvfs fs;
    if (::statvfs(dir.c_str(), &fs) == 0) {
      const double free_bytes = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
      const double need = static_cast<double>(bytes) * 1.05;
      if (free_bytes < need) {
        char msg[256];
        std::snprintf(msg, sizeof msg, "the outputs need about %.1f MB but '%s' has %.1f MB free", need / 1e6,
                      dir.c_str(), free_bytes / 1e6);
        error = std::string(msg) + "; free some space or choose another output prefix (finished shards are kept, "
                                   "so the same command resumes)";
      }
    }
  }
  comm_.agree_or_throw(error, ErrorKind::Output);
}

int64_t OutputSet::remove_stale_temporaries(const Comm& comm, const std::string& prefix) {
  int64_t removed = 0;
  if (comm.is_root()) {
    glob_t g;
    if (::glob((prefix + ".*.tmp-*").c_str(), GLOB_NOSORT, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) removed += std::remove(g.gl_pathv[i]) == 0 ? 1 : 0;
    ::globfree(&g);
  }
  return removed;
}

void OutputSet::commit() {
  on_root(comm_, [&] {
    for (const auto& [tmp, path] : staged_)
      if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw Error(ErrorKind::Output, "cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  });
  committed_ = true;
}

}  // namespace dvhpc
