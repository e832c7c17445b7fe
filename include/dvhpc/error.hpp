// dvhpc::Error and the DVHPC_CHECK_* macros.
//
// Library code never exits or aborts: it throws dvhpc::Error with a message
// that names what failed and, where it helps, how to fix it. Only main()
// turns an Error into an exit code (single process) or a collective abort
// (under MPI; see comm.hpp), so every rank exits with the message instead of
// hanging.
//
// The CHECK macros wrap calls into outside libraries and record the
// expression, file and line, so "H5Dwrite failed" becomes actionable.
#pragma once

#include <stdexcept>
#include <string>

namespace dvhpc {

// Category of an error; main() maps it to the process exit code so scripts
// can tell a bad config (user error) from an I/O or internal failure.
enum class ErrorKind {
  Config = 2,    // bad YAML, unknown key, wrong type, bad region string
  Input = 3,     // missing / malformed / truncated input file, contig mismatch
  Output = 4,    // cannot write an output
  Library = 5,   // an outside library call failed (MPI, HDF5, htslib, CUDA...)
  Internal = 6,  // a bug: an invariant of dvhpc itself was broken
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& msg) : std::runtime_error(msg), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }
  int exit_code() const noexcept { return static_cast<int>(kind_); }

  // Marks an error that every rank throws identically (e.g. rank 0's failure
  // broadcast after a collective step): main() then prints it once and all
  // ranks exit, instead of every rank printing and aborting.
  static Error on_all_ranks(ErrorKind kind, const std::string& msg) {
    Error e(kind, msg);
    e.all_ranks_ = true;
    return e;
  }
  bool all_ranks() const noexcept { return all_ranks_; }

 private:
  ErrorKind kind_;
  bool all_ranks_ = false;
};

[[noreturn]] void throw_library_error(const char* lib, const char* expr, const char* file, int line,
                                      const std::string& detail);

}  // namespace dvhpc

// Throws ErrorKind::Internal when an invariant of dvhpc's own code fails.
#define DVHPC_ASSERT(cond, msg)                                                              \
  do {                                                                                       \
    if (!(cond))                                                                             \
      ::dvhpc::throw_library_error("dvhpc", #cond, __FILE__, __LINE__, std::string(msg)); \
  } while (0)

// htslib convention: a negative return is an error.
#define DVHPC_CHECK_HTS(x)                                                         \
  do {                                                                             \
    if ((x) < 0) ::dvhpc::throw_library_error("htslib", #x, __FILE__, __LINE__, ""); \
  } while (0)

// HDF5 convention: a negative herr_t / hid_t is an error.
#define DVHPC_CHECK_H5(x)                                                        \
  do {                                                                           \
    if ((x) < 0) ::dvhpc::throw_library_error("HDF5", #x, __FILE__, __LINE__, ""); \
  } while (0)
