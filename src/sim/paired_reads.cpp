#include "dvhpc/sim/paired_reads.hpp"

#include <htslib/sam.h>

#include <algorithm>
#include <cmath>

namespace dvhpc::sim {

int64_t ReadParams::max_fragment() const {
  return std::max<int64_t>(read_length, static_cast<int64_t>(std::ceil(insert_mean + 6.0 * insert_sd)));
}

std::vector<uint32_t> cigar_from_positions(const std::vector<int64_t>& ref) {
  std::vector<uint32_t> cig;
  auto add = [&cig](uint32_t op, uint32_t n) {
    if (!cig.empty() && bam_cigar_op(cig.back()) == op)
      cig.back() += n << BAM_CIGAR_SHIFT;
    else
      cig.push_back(bam_cigar_gen(n, op));
  };
  int64_t prev = -1;
  for (int64_t r : ref) {
    if (r < 0) {
      add(BAM_CINS, 1);
      continue;
    }
    if (prev >= 0 && r > prev + 1) add(BAM_CDEL, static_cast<uint32_t>(r - prev - 1));
    add(BAM_CMATCH, 1);
    prev = r;
  }
  return cig;
}

bool sequence_read(const Haplotype& h, int64_t first, bool reverse, int mate, const ErrorModel& em,
                   SimRng& rng, SimRead& out, std::vector<int64_t>& ref) {
  static constexpr char kOther[4][3] = {{'C', 'G', 'T'}, {'A', 'G', 'T'}, {'A', 'C', 'T'}, {'A', 'C', 'G'}};
  const int len = em.read_length();
  const int64_t dir = reverse ? -1 : 1;
  out.seq.clear();
  out.qual.clear();
  ref.clear();
  // Emits one base in cycle order with its quality-driven substitution error.
  auto emit = [&](char c, int64_t pos) {
    uint64_t r = rng.next();
    int cycle = static_cast<int>(out.seq.size());
    int q = em.quality(mate, cycle, r);
    if (em.is_error(q, r >> 32)) {
      int idx = c == 'A' ? 0 : c == 'C' ? 1 : c == 'G' ? 2 : c == 'T' ? 3 : -1;
      if (idx >= 0) c = kOther[idx][((r >> 8) & 0xffffff) % 3];
    }
    out.seq.push_back(c);
    out.qual.push_back(static_cast<char>(q));
    ref.push_back(pos);
  };
  int64_t t = first;
  while (static_cast<int>(out.seq.size()) < len) {
    if (t < 0 || t >= h.size()) return false;
    const char c = h.seq[static_cast<size_t>(t)];
    const int64_t pos = h.inserted[static_cast<size_t>(t)] ? -1 : h.ref_pos[static_cast<size_t>(t)];
    const int cycle = static_cast<int>(out.seq.size());
    // Homopolymer slippage, placed at the run's left end (left-aligned, as an
    // aligner reports it) and kept away from the read ends.
    if (cycle >= 10 && cycle < len - 10 && t > 0 && h.seq[static_cast<size_t>(t - 1)] != c) {
      int run = 1;
      while (run < 20 && t + run < h.size() && h.seq[static_cast<size_t>(t + run)] == c) ++run;
      double p = ErrorModel::homopolymer_indel_prob(run);
      if (p > 0 && rng.chance(p)) {
        if (rng.chance(0.5)) {  // lose a base
          t += dir;
          continue;
        }
        // Gain a base: the extra copy goes before the run in reference order.
        if (reverse) {
          emit(c, pos);
          if (static_cast<int>(out.seq.size()) < len) emit(c, -1);
        } else {
          emit(c, -1);
          if (static_cast<int>(out.seq.size()) < len) emit(c, pos);
        }
        t += dir;
        continue;
      }
    }
    emit(c, pos);
    t += dir;
  }
  if (reverse) {
    std::reverse(out.seq.begin(), out.seq.end());
    std::reverse(out.qual.begin(), out.qual.end());
    std::reverse(ref.begin(), ref.end());
  }
  if (ref.front() < 0 || ref.back() < 0) return false;
  out.pos = ref.front();
  out.end = ref.back() + 1;
  out.cigar = cigar_from_positions(ref);
  return true;
}

bool simulate_fragment(const std::array<const Haplotype*, 2>& haps, int64_t start, const ReadParams& p,
                       const ErrorModel& em, SimRng& rng, Fragment& out, std::vector<int64_t>& scratch) {
  out.hap = static_cast<int>(rng.below(2));
  const Haplotype& h = *haps[static_cast<size_t>(out.hap)];
  double l = std::round(p.insert_mean + p.insert_sd * rng.normal());
  out.length = std::clamp(static_cast<int64_t>(l), static_cast<int64_t>(p.read_length), p.max_fragment());
  out.left_is_read1 = rng.chance(0.5);
  const int64_t hi = h.index_at(start);
  if (hi >= h.size() || hi + out.length > h.size()) return false;
  const int left_mate = out.left_is_read1 ? 0 : 1;
  if (!sequence_read(h, hi, false, left_mate, em, rng, out.reads[0], scratch)) return false;
  if (!sequence_read(h, hi + out.length - 1, true, 1 - left_mate, em, rng, out.reads[1], scratch)) return false;
  return true;
}

}  // namespace dvhpc::sim
