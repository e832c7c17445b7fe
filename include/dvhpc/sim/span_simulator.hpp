// Simulating one span of the genome: its variants and the read records
// whose POS lies in it, sorted.
//
// Spans are the shards of the target regions (partition.shard_size), fixed
// by the config alone; ranks take contiguous runs of them. Everything a span
// produces is keyed by the seed and global identities (span index for
// variants; region, 16 kb block and number for fragments), so the output is
// the same at any rank or thread count:
//   * variants of span j are drawn from key(seed, j) and end inside span j,
//     so neighbouring spans never overlap;
//   * fragment k of block b starts uniformly in the block; a span simulates
//     every fragment that can have a read in it (those starting up to one
//     maximum fragment length before it) and keeps the reads whose POS is
//     inside it, so each read is emitted exactly once, by the span holding
//     its POS, and concatenating spans in order gives a sorted BAM.
//   * long reads (simulate.read_model hifi / ont) are one single-end read
//     per fragment, starting at the fragment start (sim/long_reads.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dvhpc/config.hpp"
#include "dvhpc/reference.hpp"
#include "dvhpc/region.hpp"
#include "dvhpc/sim/long_reads.hpp"
#include "dvhpc/sim/paired_reads.hpp"
#include "dvhpc/sim/variants.hpp"

struct bam1_t;

namespace dvhpc::sim {

struct SimSpan {
  int64_t index = 0;  // global, genome order
  int region = 0;     // index into the target regions
  Region span;        // bases whose reads this span emits
  Region bounds;      // the target region holding it: fragments stay inside
};

// Cuts normalised target regions into spans of about `span_size` bases.
std::vector<SimSpan> make_sim_spans(const std::vector<Region>& regions, int64_t span_size);

struct SpanStats {
  int64_t records = 0;
  int64_t fragments_dropped = 0;  // did not fit the region, or began/ended in an insertion
};

class SpanSimulator {
 public:
  static constexpr int64_t kBlock = 16384;  // bases per fragment block

  // `ref` must be used by the calling thread only. `vcf` (may be null)
  // replaces random variants.
  SpanSimulator(const Reference& ref, const std::vector<Region>& regions, std::vector<SimSpan> spans,
                const SimulateConfig& cfg, const VcfVariantSource* vcf, std::string read_group, int threads);

  const std::vector<SimSpan>& spans() const { return spans_; }
  // The span's own variants (cached; spans near it are cached too).
  const std::vector<SimVariant>& variants(int64_t span);
  // Calls `sink` with each record whose POS lies in the span, in sorted order.
  SpanStats simulate(int64_t span, const std::function<void(const bam1_t*)>& sink);

 private:
  const Reference& ref_;
  std::vector<Region> regions_;
  std::vector<int32_t> tids_;  // reference contig index per region
  std::vector<SimSpan> spans_;
  SimulateConfig cfg_;
  const VcfVariantSource* vcf_;
  std::string read_group_;
  int threads_;
  ReadParams params_;
  ErrorModel errors_;
  std::optional<LongReadProfile> long_;  // simulate.read_model hifi / ont: single-end long reads
  std::map<int64_t, std::vector<SimVariant>> cache_;
};

}  // namespace dvhpc::sim
