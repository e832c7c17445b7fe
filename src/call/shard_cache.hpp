// PREFIX.shards/: every finished shard's outputs (shard-<index>.spill, see
// shard_spill.hpp and call_outputs.hpp) until the final outputs are written,
// which also lets the same command, started again after a crash, resume.
//
// A spill file is written to a temporary name and renamed, so one that exists
// is complete. A key file holds a hash of the effective config, the dvhpc
// version and the models; when it differs from the current run's, the stored
// shards are discarded, since they were made with other settings. Because
// shards, not ranks, are the unit, a run may resume with another rank count
// or schedule. The directory is removed once the final outputs are written.
#pragma once

#include <cstdint>
#include <string>

namespace dvhpc {

class Comm;

class ShardCache {
 public:
  // Collective: rank 0 prepares the directory; all ranks agree on it.
  ShardCache(const Comm& comm, const std::string& output_prefix, const std::string& key_text);
  std::string path(int64_t shard) const;
  // Collective: removes the directory after the outputs are complete.
  void remove_all() const;
  int64_t restored_at_start() const { return restored_; }

 private:
  const Comm& comm_;
  std::string dir_;
  int64_t restored_ = 0;
};

}  // namespace dvhpc
