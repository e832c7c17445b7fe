// Paired-end reads cut from the simulated haplotypes, with their alignment.
//
// A fragment is a stretch of one haplotype; its left read is sequenced on
// the forward strand from the fragment start, its right read on the reverse
// strand back from the fragment end. Sequencing errors (error_model.hpp)
// change bases and, rarely, homopolymer lengths. Every read keeps, per base,
// the reference position it came from (or "inserted"), which gives POS and
// the CIGAR directly. Reads never begin or end with an inserted base (such
// fragments are rejected, as an aligner would soft-clip them), so the CIGAR
// always starts and ends with M.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/sim/error_model.hpp"
#include "dvhpc/sim/haplotype.hpp"
#include "dvhpc/sim/rng.hpp"

namespace dvhpc::sim {

struct ReadParams {
  int read_length = 150;
  double insert_mean = 400;
  double insert_sd = 50;
  // Fragments are at most this long (mean + 6 SD, at least one read length),
  // so a span knows how far before it a fragment with a read in it can start.
  int64_t max_fragment() const;
};

struct SimRead {
  int64_t pos = 0, end = 0;     // reference interval [pos, end)
  std::vector<uint32_t> cigar;  // BAM-encoded (length << 4 | op)
  std::string seq;              // forward-strand bases
  std::string qual;             // Phred values (not +33), forward-strand order
};

struct Fragment {
  int hap = 0;
  int64_t length = 0;           // haplotype bases
  bool left_is_read1 = true;    // which mate the forward (left) read is
  std::array<SimRead, 2> reads; // [0] forward (left), [1] reverse (right)
};

// CIGAR of bases whose reference positions are `ref` (-1 = inserted base),
// in reference order: M for consecutive positions, D for a gap, I for -1.
std::vector<uint32_t> cigar_from_positions(const std::vector<int64_t>& ref);

// Reads `len` bases of `h` starting at haplotype index `first`, walking right
// (forward read) or left (reverse read), with errors for mate `mate`.
// Returns false when the read runs off the haplotype or would start or end
// on an inserted base.
bool sequence_read(const Haplotype& h, int64_t first, bool reverse, int mate, const ErrorModel& em,
                   SimRng& rng, SimRead& out, std::vector<int64_t>& scratch);

// Draws fragment geometry and both reads from `rng`: haplotype, length
// (normal, clamped to [read_length, max_fragment]), which mate is read 1,
// starting at the haplotype base at or after reference position `start`.
// Returns false when the fragment does not fit the haplotypes' window.
bool simulate_fragment(const std::array<const Haplotype*, 2>& haps, int64_t start, const ReadParams& p,
                       const ErrorModel& em, SimRng& rng, Fragment& out, std::vector<int64_t>& scratch);

}  // namespace dvhpc::sim
