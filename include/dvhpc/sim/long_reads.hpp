// Long single-end reads for `dvhpc simulate` (simulate.read_model: hifi |
// ont), so the long-read path can be tested against planted truth.
//
//   length   lognormal around a median (HiFi: size-selected, narrow, ~16 kb;
//            ONT: broad, ~18 kb median with a long tail), clamped; a read
//            that reaches the end of the simulated region stops there.
//   errors   mostly homopolymer length errors, as in both technologies: a
//            run of L >= 2 bases gains or loses a base (two, sometimes, in
//            runs >= 6) with a chance growing as (L - 1)^2; plus rarer
//            substitutions and single-base indels elsewhere. HiFi ~0.1% of
//            bases wrong, ONT R10 ~1% (rates: long_reads.cpp; calibrated on
//            GRCh38 chr20, tested in tests/sim/long_reads_test.cpp).
//   quality  HiFi: Revio's binned values (mostly Q40); ONT: spread around
//            Q23. Bases at an error (the wrong base, an inserted base, the
//            base of a run that lost one) draw from a low-quality table, so
//            qualities carry information as real ones do.
//
// Indels are placed at the left end of their homopolymer in reference order
// (as an aligner left-aligns them), and reads never begin or end with an
// inserted base, so the CIGAR from the known origins is what an aligner
// would report.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/sim/haplotype.hpp"
#include "dvhpc/sim/paired_reads.hpp"
#include "dvhpc/sim/rng.hpp"

namespace dvhpc::sim {

struct LongReadProfile {
  std::string platform;         // @RG PL: PACBIO or ONT
  double median_length = 0;     // lognormal median (bases)
  double sigma = 0;             // lognormal log-scale SD
  int64_t min_length = 0, max_length = 0;
  double sub_rate = 0;          // substitutions per base
  double indel_rate = 0;        // single-base indels per base outside homopolymers
  double hp_coeff = 0;          // run of L >= 2: P(length error) = min(hp_cap, hp_coeff * (L - 1)^2)
  double hp_cap = 0;
  double del_fraction = 0.5;    // of indel errors, deletions
  std::array<uint8_t, 256> good_q{}, bad_q{};  // quality quantile tables: correct bases / bases at an error

  // The model `name` (hifi | ont); median_length > 0 and error_rate > 0
  // override its median length and its total error rate (all error rates
  // scaled together). Throws Error(Config) for another name.
  static LongReadProfile make(const std::string& name, double median_length = 0, double error_rate = 0);
  // Errors per base the rates give on human sequence (GRCh38 chr20).
  double nominal_error_rate() const { return nominal_; }
  // Expected read length before clamping: median * exp(sigma^2 / 2).
  double mean_length() const;
  int64_t draw_length(SimRng& rng) const;
  double hp_error_prob(int run) const;

  double nominal_ = 0;
};

// One read of about `len` bases from haplotype index `first` on. Returns
// false when fewer than p.min_length bases remain (the haplotype's end).
// The error model is strand-blind: the caller picks the strand flag.
bool sequence_long_read(const Haplotype& h, int64_t first, int64_t len, const LongReadProfile& p, SimRng& rng,
                        SimRead& out, std::vector<int64_t>& scratch);

}  // namespace dvhpc::sim
