// Cutting the genome into shards and spreading them over MPI ranks.
//
//   target regions   |=========== chr20:1-5,000,000 ===========|   (BED, region
//                                                                  strings, or the
//                                                                  whole reference
//                                                                  minus N runs)
//   shards           |--s0--|--s1--|--s2--|--s3--|--s4--|       (shard_size, 1 Mb)
//   padded s2             [·|--s2--|·]                          (+- margin: reads
//                                                                  and counts; the
//                                                                  core makes calls)
//   ranks            r0: s0 s1 | r1: s2 | r2: s3 s4              (contiguous runs,
//                                                                  balanced by weight)
//
// Each rank gets a *contiguous* run of shards in genome order, balanced by
// estimated read count (from the BAM index), so each rank reads one stretch
// of the BAM. The outputs do not depend on it: they are placed by shard
// index (ordered_pieces.hpp), which also serves the dynamic schedule.
#pragma once

#include <cstdint>
#include <vector>

#include "dvhpc/config.hpp"
#include "dvhpc/contigs.hpp"
#include "dvhpc/reference.hpp"
#include "dvhpc/region.hpp"

namespace dvhpc {

class ReadLoader;

struct Shard {
  int64_t index = 0;  // position in genome order
  Region region;      // core: candidates are made here only
  Region padded;      // core +- margin, clipped to the contig: reads and counts
};

// Sorts regions in reference contig order, clips them to the contig, and
// merges overlapping or touching ones. Throws Error(Input) for a contig the
// reference lacks (naming the region and the reference).
std::vector<Region> normalize_regions(std::vector<Region> regions, const Reference& ref);

// Every contig of the reference without its runs of N >= min_n_run.
std::vector<Region> whole_reference_regions(const Reference& ref, const PartitionConfig& cfg);

// The regions to process: `regions:` strings, else `regions_bed`, else the
// whole reference (minus N runs); always normalised.
std::vector<Region> target_regions(const Config& cfg, const Reference& ref);

// Cuts each region into ceil(len / shard_size) shards of near-equal length
// and pads them by `margin` (clipped to [0, contig length)).
std::vector<Shard> make_shards(const std::vector<Region>& regions, const PartitionConfig& cfg,
                               const Reference& ref);

// Estimated cost of each shard: reads expected in its padded region (the
// contig's mapped-read count from the index, shared out by the compressed
// bytes the index points to; by length when the index cannot tell, as for
// CRAM) plus one read per kb, so empty shards still cost something.
std::vector<double> estimate_shard_weights(const std::vector<Shard>& shards, const ReadLoader& reads,
                                           const ContigMap& contigs);

// Pure: splits shards (in order) into `nranks` contiguous runs minimising the
// heaviest rank's total weight. Returns, per rank, its shard indices into
// `shards` in ascending order; ranks may be empty when shards < nranks.
std::vector<std::vector<int64_t>> assign_shards(const std::vector<Shard>& shards,
                                                const std::vector<double>& weights, int nranks);

}  // namespace dvhpc
