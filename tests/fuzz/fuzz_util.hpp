// Helpers shared by the libFuzzer targets that read files: libFuzzer runs
// every input in one process, so each target makes one scratch directory at
// start-up (in memory under /dev/shm when it exists: a target writes files
// for every input, thousands per second) and writes its inputs there.
#pragma once

#include <mpi.h>
#include <sanitizer/lsan_interface.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace dvhpc::fuzz {

// The process's scratch directory, created on first use and removed at exit.
inline const std::string& scratch_dir() {
  // Never destroyed: the exit handler that removes the directory runs after
  // the static destructors.
  static const std::string* dir = [] {
    const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string tmpl = std::string(base) + "/dvhpc-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl.data())) std::abort();  // nothing can run without it
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return new std::string(tmpl);
  }();
  return *dir;
}

inline std::string scratch_file(const std::string& name) { return scratch_dir() + "/" + name; }

// Writes `size` bytes to `path` (replacing it); false when it cannot.
inline bool write_file(const std::string& path, const void* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(data, 1, size, f) == size;
  return std::fclose(f) == 0 && ok;
}

inline bool write_file(const std::string& path, const std::string& s) {
  return write_file(path, s.data(), s.size());
}

// `text` cut at each separator in `seps`, in order: n separators give n + 1
// parts; a separator that is missing leaves its part and the following ones
// empty, so every input still maps onto the files of a target.
inline std::vector<std::string> split_parts(const std::string& text, const std::vector<std::string>& seps) {
  std::vector<std::string> parts;
  size_t at = 0;
  for (const auto& sep : seps) {
    const size_t hit = at <= text.size() ? text.find(sep, at) : std::string::npos;
    if (hit == std::string::npos) {
      parts.push_back(at <= text.size() ? text.substr(at) : "");
      at = text.size() + 1;
    } else {
      parts.push_back(text.substr(at, hit - at));
      at = hit + sep.size();
    }
  }
  parts.push_back(at <= text.size() ? text.substr(at) : "");
  return parts;
}

// MPI as a singleton (no mpirun), for targets whose readers take a Comm.
// Open MPI keeps what it allocates at start-up until MPI_Finalize, which a
// fuzzer never reaches: LeakSanitizer is told to ignore those allocations
// (they are Open MPI's, made before the first input) rather than every
// report being suppressed by library name.
inline void init_mpi(int* argc, char*** argv) {
  // Open MPI's handlers of SIGABRT/SIGSEGV would print their own trace and
  // exit before libFuzzer writes the input that crashed.
  setenv("OMPI_MCA_opal_signal", "", 1);
  __lsan_disable();
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  __lsan_enable();
}

}  // namespace dvhpc::fuzz
