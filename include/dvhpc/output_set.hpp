// The files of one command published together. Each writer finishes its file
// under a temporary name and stages it here instead of renaming it; commit()
// renames them all once every one is complete. A run that fails part-way
// (a full disk while writing the HDF5 file, an error on another rank) thus
// leaves no file under a final name, not even the ones finished before the
// failure, and its shard spills stay for the next run to resume from.
//
//   OutputSet out(comm);
//   out.require_space(dir_bytes_estimate, prefix);  // fail early, before writing
//   write_vcf_pieces(..., &out);                     // stages PREFIX.vcf.gz(.tbi)
//   h5.commit(&out);                                 // stages PREFIX.h5
//   out.commit();                                    // all renamed, or none
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dvhpc {

class Comm;

class OutputSet {
 public:
  explicit OutputSet(const Comm& comm) : comm_(comm) {}
  // Not committed (an exception is unwinding): rank 0 removes every staged
  // temporary. Local file removal only, no collective.
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // Every rank, same arguments: `tmp` (complete) becomes `path` at commit().
  void stage(const std::string& tmp, const std::string& path);

  // Collective: throws Error(Output) on every rank when the file system of
  // `prefix` has less than `bytes` (plus a 5% margin) free, so a run that
  // cannot fit its outputs fails before writing any of them, with the sizes.
  void require_space(int64_t bytes, const std::string& prefix) const;

  // Collective: rank 0 renames every staged file, in staging order; the
  // outcome on every rank.
  void commit();

  // Rank 0 removes PREFIX.*.tmp-* left by an earlier run of the same prefix
  // that was killed while writing (a rank aborted by another's error never
  // unwinds); returns how many. Call at the start of the command.
  static int64_t remove_stale_temporaries(const Comm& comm, const std::string& prefix);

 private:
  const Comm& comm_;
  std::vector<std::pair<std::string, std::string>> staged_;
  bool committed_ = false;
};

}  // namespace dvhpc
