// Sequencing errors of simulated Illumina reads.
//
// Each base gets a quality drawn from a per-cycle distribution whose mean
// declines along the read (and is lower on read 2), like Illumina profiles;
// the base is then wrong with probability P = 10^(-Q/10), so the qualities
// are calibrated by construction. Substitutions pick one of the three other
// bases uniformly. Homopolymer runs of >= 4 bases occasionally gain or lose
// one base (the dominant Illumina indel error), at a low rate.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace dvhpc::sim {

class ErrorModel {
 public:
  static constexpr int kMinQ = 2, kMaxQ = 41;
  explicit ErrorModel(int read_length);

  int read_length() const { return len_; }
  // Quality of cycle `cycle` of read `mate` (0 or 1) from 8 random bits.
  int quality(int mate, int cycle, uint64_t bits8) const {
    return table_[static_cast<size_t>((mate * len_ + cycle) * 256 + (bits8 & 255))];
  }
  // True when a base of quality q is wrong, from 32 random bits.
  bool is_error(int q, uint64_t bits32) const { return (bits32 & 0xffffffffULL) < threshold_[static_cast<size_t>(q)]; }
  static double error_prob(int q);
  // Mean error probability at a cycle (from the quality table; for tests and docs).
  double mean_error_prob(int mate, int cycle) const;
  // Chance that a homopolymer run of `run` bases gains or loses a base in one read.
  static double homopolymer_indel_prob(int run) { return run < 4 ? 0.0 : 2e-4 * (std::min(run, 20) - 3); }

 private:
  int len_;
  std::vector<uint8_t> table_;  // [mate][cycle][256] qualities, quantiles of the cycle's distribution
  std::array<uint64_t, kMaxQ + 1> threshold_{};
};

}  // namespace dvhpc::sim
