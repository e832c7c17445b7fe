#include "dvhpc/model_path.hpp"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dvhpc/error.hpp"

namespace dvhpc {
namespace {

bool is_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string executable_dir() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  const std::string exe(buf, static_cast<size_t>(n));
  const size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "" : exe.substr(0, slash);
}

std::vector<std::string> model_search_roots() {
  std::vector<std::string> roots;
  // EXE_DIR/.. spelled without "..": executable_dir() has no links in it,
  // so its parent is the path without the last component.
  const std::string exe = executable_dir();
  const size_t slash = exe.rfind('/');
  if (slash != std::string::npos) roots.push_back(exe.substr(0, slash) + "/share/dvhpc");
  roots.push_back(DVHPC_SOURCE_ROOT);
  return roots;
}

std::string resolve_model_path(const std::string& path, const std::string& key,
                               const std::vector<std::string>& roots) {
  if (path.empty()) throw Error(ErrorKind::Config, "config key '" + key + "': no model file given");
  if (is_file(path)) return path;
  std::string tried = "'" + path + "'";
  if (path[0] != '/') {
    tried += " (from the working directory)";
    for (const std::string& root : roots) {
      const std::string candidate = root + "/" + path;
      if (is_file(candidate)) return candidate;
      tried += ", '" + candidate + "'";
    }
  }
  throw Error(ErrorKind::Input, "config key '" + key + "': model file '" + path + "' not found; looked at " +
                                    tried +
                                    " (the shipped models are models/ in the source tree and "
                                    "share/dvhpc/models in an install or bundle; train your own with dvhpc train)");
}

std::string resolve_model_path(const std::string& path, const std::string& key) {
  return resolve_model_path(path, key, model_search_roots());
}

}  // namespace dvhpc
