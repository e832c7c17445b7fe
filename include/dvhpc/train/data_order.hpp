// The order in which examples are seen: identical on every rank and for any
// rank count, so data-parallel training at N ranks sees the same global
// batches as at 1 rank.
//
//   epoch e order = permutation(train indices, seed, e)
//   global batch b = order[b*B, (b+1)*B)         (the last partial batch is dropped)
//   rank r of N gets a contiguous slice of batch b: sizes differ by at most 1
//
// Validation examples are chosen by a hash of their index, not by position,
// so adding files does not reshuffle which examples are held out.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace dvhpc::train {

// Splits [0, n) into (train, validation) with `fraction` held out, by hash.
std::pair<std::vector<int64_t>, std::vector<int64_t>> split_validation(int64_t n, double fraction,
                                                                      uint64_t seed);

// A deterministic shuffle (Fisher-Yates on a SplitMix64 stream of (seed, epoch)).
std::vector<int64_t> epoch_order(const std::vector<int64_t>& items, uint64_t seed, int64_t epoch);

// [begin, end) of rank `rank`'s share of `n` items split over `nranks`.
std::pair<int64_t, int64_t> rank_slice(int64_t n, int rank, int nranks);

// SplitMix64: a tiny, well-mixed counter-based generator.
uint64_t splitmix64(uint64_t x);

}  // namespace dvhpc::train
