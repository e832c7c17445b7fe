// The front half shared by `call` and `make-examples`: open the reference and
// the reads of every sample, cut the targets into shards, balance them over
// ranks, then per shard of this rank
//
//   fetch reference (padded) -> load reads (per sample) -> upload them once
//   -> count (Kokkos) -> candidates (Kokkos, core only) -> callback(ShardWork)
//
// The callback sees the shard's reads, reference and counters while they are
// still valid (batches and device views are reused by the next shard), so a
// command adds its own per-shard work (VCF block, examples) without copying.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dvhpc/candidates.hpp"
#include "dvhpc/commands.hpp"
#include "dvhpc/contigs.hpp"
#include "dvhpc/local_realigner.hpp"
#include "dvhpc/partition.hpp"
#include "dvhpc/read_batch.hpp"
#include "dvhpc/reads.hpp"
#include "dvhpc/reference.hpp"
#include "kernels/allele_counter.hpp"
#include "kernels/device_reads.hpp"

namespace dvhpc {

// One input sample: its loader, contig map and name.
struct Sample {
  std::unique_ptr<ReadLoader> loader;
  ContigMap contigs;
  std::string name;
};

// What the callback gets for one shard (valid during the call only).
struct ShardWork {
  const Shard& shard;
  const std::string& seq;                            // reference bases of shard.padded
  const std::vector<ReadBatch>& batches;             // per sample, reads of shard.padded
  const std::vector<kernels::DeviceReads>& reads;    // the same, uploaded for the kernels
  const std::vector<std::vector<Candidate>>& candidates;  // per sample, inside shard.region
  std::vector<AlleleCounter>& counters;              // per sample, counts of shard.padded
};

class ShardPipeline {
 public:
  // Runs the "setup" and "partition" stages (collective: none here, but
  // every rank must construct it). Kernels launch on `exec` (the rank's
  // DeviceContext's, in `call`).
  explicit ShardPipeline(const RunContext& ctx, const kernels::ExecSpace& exec = kernels::ExecSpace());

  const Reference& reference() const { return *ref_; }
  const std::vector<Sample>& samples() const { return samples_; }
  const std::vector<Shard>& shards() const { return shards_; }
  // Indices into shards() that this rank processes under the static schedule,
  // in genome order (with partition.schedule: dynamic, shards are drawn at run time).
  const std::vector<int64_t>& my_shards() const { return mine_; }

  // Processes this rank's shards in order, calling `on_shard` for each
  // (timed by the callback itself). Progress is reported as `progress_name`.
  // `already_done` (optional) is asked first for each shard; when it returns
  // true (e.g. the result was restored from a previous, interrupted run) the
  // shard is neither loaded nor passed to `on_shard`.
  void run(const std::string& progress_name, const std::function<void(ShardWork&)>& on_shard,
           const std::function<bool(const Shard&)>& already_done = nullptr);

  // Reads loaded and candidate sites (summed over samples) on this rank.
  int64_t reads_loaded() const { return n_reads_; }
  int64_t candidate_sites() const { return n_candidates_; }
  // Local assembly and realignment on this rank (assembly.enabled).
  const RealignStats& realign_stats() const { return realign_; }

 private:
  const RunContext& ctx_;
  kernels::ExecSpace exec_;
  std::unique_ptr<Reference> ref_;
  std::vector<Sample> samples_;
  std::vector<Shard> shards_;
  std::vector<int64_t> mine_;
  int64_t n_reads_ = 0, n_candidates_ = 0;
  RealignStats realign_;
};

}  // namespace dvhpc
