// make-examples writes its example store the way call writes its outputs
// (call_outputs.hpp): each finished shard's examples are spilled to
// PREFIX.examples.shards/shard-<index>.spill and cleared from memory, and the
// store is assembled at the end with collective HDF5 writes in shard (=
// genome) order, in bounded rounds. Memory per rank is one shard's examples,
// whatever the number of shards; the store is the same at any rank count and
// under either schedule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/config.hpp"
#include "dvhpc/example_store.hpp"

namespace dvhpc {

class Comm;

class ExampleShards {
 public:
  // Collective: makes a fresh spill directory next to `store_path`; `cfg`
  // (pileup geometry, provenance) is kept by reference.
  ExampleShards(const Comm& comm, const std::string& store_path, const Config& cfg);
  // Removes the spill directory (rank 0).
  ~ExampleShards();
  // Spills one shard's examples and clears `buf`.
  void spill(int64_t shard, ExampleBuffer& buf);
  // Collective: writes the store (schema in example_store.hpp) at `store_path`.
  void write_store();

 private:
  std::string path(int64_t shard) const;
  const Comm& comm_;
  const Config& cfg_;
  std::string store_path_, dir_;
  struct Held {
    int64_t shard = 0, rows = 0;
    std::vector<int64_t> widths;  // of the string columns, in column order
  };
  std::vector<Held> held_;
};

}  // namespace dvhpc
