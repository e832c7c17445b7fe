// libFuzzer target: the YAML config loader with its validation, as `dvhpc
// CMD config.yaml` runs it. Any input must load into a Config or throw
// dvhpc::Error (yaml-cpp's own exceptions must not escape the loader); a
// crash, a hang or a sanitizer report is a bug.
// Run: scripts/fuzz.sh (builds with clang, runs every target).
#include <cstdint>
#include <string>
#include <unistd.h>

#include "dvhpc/config.hpp"
#include "dvhpc/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char path[] = "/tmp/dvhpc-fuzz-config-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return 0;
  const bool written = write(fd, data, size) == static_cast<ssize_t>(size);
  close(fd);
  if (written) {
    // The first byte picks the command, so each command's validation is reached.
    static const char* commands[] = {"call", "simulate", "pca", "joint", "gp", "train", "eval", "make-examples"};
    const std::string command = commands[size > 0 ? data[0] % 8 : 0];
    try {
      (void)dvhpc::load_config(command, path, {});
    } catch (const dvhpc::Error&) {
    }
  }
  unlink(path);
  return 0;
}
