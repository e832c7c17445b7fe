#include "dvhpc/error.hpp"

#include <string>

namespace dvhpc {

void throw_library_error(const char* lib, const char* expr, const char* file, int line,
                         const std::string& detail) {
  // Strip the directory: the file name and line are enough to find the call.
  std::string f(file);
  auto slash = f.find_last_of('/');
  if (slash != std::string::npos) f = f.substr(slash + 1);
  std::string msg = std::string(lib) + " call failed: " + expr + " (" + f + ":" + std::to_string(line) + ")";
  if (!detail.empty()) msg += ": " + detail;
  ErrorKind kind = std::string(lib) == "dvhpc" ? ErrorKind::Internal : ErrorKind::Library;
  throw Error(kind, msg);
}

}  // namespace dvhpc
