// libFuzzer target: region strings (`regions:` in the config, samtools
// style "chr20:10,000,001-10,100,000") and BED files (`regions_bed:`).
// Any input must either parse into a valid half-open region or throw
// dvhpc::Error; a crash, a hang or a sanitizer report is a bug.
// Run: scripts/fuzz.sh (builds with clang, runs every target).
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "dvhpc/error.hpp"
#include "dvhpc/region.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const dvhpc::Region r = dvhpc::parse_region(text);
    if (r.begin < 0 || r.end < r.begin) __builtin_trap();  // parsed, but not a region
  } catch (const dvhpc::Error&) {
  }
  // The same bytes as a BED file.
  char path[] = "/tmp/dvhpc-fuzz-bed-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    unlink(path);
    return 0;
  }
  close(fd);
  try {
    for (const auto& r : dvhpc::read_bed(path))
      if (r.begin < 0 || r.end < r.begin) __builtin_trap();
  } catch (const dvhpc::Error&) {
  }
  unlink(path);
  return 0;
}
