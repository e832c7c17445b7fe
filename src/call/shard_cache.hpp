// Finished shards of an interrupted `call`, so that the same command started
// again resumes instead of starting over.
//
// Each rank stores every finished shard's results in PREFIX.shards/ as
// shard-<index>.bin (written to a temporary name, then renamed: a file there
// is always complete). A key file holds a hash of the effective config and
// the dvhpc version; when it differs from the current run's, the stored
// shards are discarded, since they were made with other settings. Because
// shards, not ranks, are the unit, a run may resume with another rank count.
// The directory is removed once the final outputs are written.
#pragma once

#include <cstdint>
#include <string>

#include "call_records.hpp"

namespace dvhpc {

class Comm;

struct ShardResult {
  std::string candidate_vcf, call_vcf;
  CallColumns cols;
  int64_t variants = 0;
};

class ShardCache {
 public:
  // Collective: rank 0 prepares the directory; all ranks agree on it.
  ShardCache(const Comm& comm, const std::string& output_prefix, const std::string& key_text);
  bool load(int64_t shard, ShardResult& out) const;
  void store(int64_t shard, const ShardResult& r) const;
  // Collective: removes the directory after the outputs are complete.
  void remove_all() const;
  int64_t restored_at_start() const { return restored_; }

 private:
  const Comm& comm_;
  std::string dir_;
  int64_t restored_ = 0;
};

}  // namespace dvhpc
