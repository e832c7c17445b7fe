#include "dvhpc/sim/long_reads.hpp"

#include <algorithm>
#include <cmath>

#include "dvhpc/error.hpp"

namespace dvhpc::sim {
namespace {

// A 256-entry quantile table of `draw()`, from a fixed seed (the same for
// every run and rank), sorted so that 8 random bits pick a quantile.
template <class Draw>
std::array<uint8_t, 256> quantiles(uint64_t seed, Draw draw) {
  SimRng rng(seed);
  std::array<uint8_t, 256> t{};
  for (auto& q : t) q = static_cast<uint8_t>(draw(rng));
  std::sort(t.begin(), t.end());
  return t;
}

// Revio HiFi base qualities come in bins; the shares of correct bases
// follow the real HG002 Revio reads in ../shared/data (78% Q40, 11% Q35).
int hifi_bin(SimRng& rng, const double (&share)[7]) {
  static constexpr int kBins[7] = {40, 35, 27, 22, 17, 10, 3};
  double u = rng.uniform();
  for (int i = 0; i < 7; ++i) {
    if (u < share[i]) return kBins[i];
    u -= share[i];
  }
  return kBins[6];
}

int clamp_normal(SimRng& rng, double mean, double sd, int lo, int hi) {
  return std::clamp(static_cast<int>(std::lround(mean + sd * rng.normal())), lo, hi);
}

}  // namespace

LongReadProfile LongReadProfile::make(const std::string& name, double median_length, double error_rate) {
  LongReadProfile p;
  // Rates were set so that the total comes out at the nominal rate on real
  // human sequence (GRCh38 chr20: its homopolymers carry about half the
  // errors); a random genome has fewer long runs and gets somewhat fewer.
  if (name == "hifi") {
    p.platform = "PACBIO";
    p.median_length = 16000, p.sigma = 0.25, p.min_length = 1000, p.max_length = 40000;
    p.sub_rate = 2.5e-4, p.indel_rate = 5e-5, p.hp_coeff = 1.2e-3, p.hp_cap = 0.25, p.del_fraction = 0.5;
    p.nominal_ = 1e-3;
    static constexpr double kGood[7] = {0.80, 0.11, 0.04, 0.025, 0.015, 0.007, 0.003};
    static constexpr double kBad[7] = {0.04, 0.06, 0.10, 0.15, 0.25, 0.25, 0.15};
    p.good_q = quantiles(0x68696669, [](SimRng& r) { return hifi_bin(r, kGood); });
    p.bad_q = quantiles(0x68696662, [](SimRng& r) { return hifi_bin(r, kBad); });
  } else if (name == "ont") {
    // R10.4.1 with a super-accuracy basecaller: modal Q20+, homopolymer
    // length errors the commonest indels (a 4-mer read right ~95% of the
    // time, an 8-mer ~75%), substitutions about half of all errors.
    p.platform = "ONT";
    p.median_length = 18000, p.sigma = 0.65, p.min_length = 1000, p.max_length = 100000;
    p.sub_rate = 5.5e-3, p.indel_rate = 2.5e-3, p.hp_coeff = 5e-3, p.hp_cap = 0.4, p.del_fraction = 0.65;
    p.nominal_ = 1e-2;
    p.good_q = quantiles(0x6f6e7467, [](SimRng& r) { return clamp_normal(r, 24, 6, 5, 50); });
    p.bad_q = quantiles(0x6f6e7462, [](SimRng& r) { return clamp_normal(r, 9, 4, 2, 30); });
  } else {
    throw Error(ErrorKind::Config, "config key 'simulate.read_model': unknown long-read model '" + name +
                                       "' (known: hifi, ont)");
  }
  if (median_length > 0) p.median_length = median_length;
  p.min_length = std::min<int64_t>(p.min_length, static_cast<int64_t>(p.median_length / 4) + 1);
  p.max_length = std::max<int64_t>(p.max_length, static_cast<int64_t>(p.median_length * 3));
  if (error_rate > 0) {
    const double f = error_rate / p.nominal_;
    p.sub_rate *= f, p.indel_rate *= f, p.hp_coeff *= f;
    p.nominal_ = error_rate;
  }
  return p;
}

double LongReadProfile::mean_length() const { return median_length * std::exp(sigma * sigma / 2); }

int64_t LongReadProfile::draw_length(SimRng& rng) const {
  const double l = median_length * std::exp(sigma * rng.normal());
  return std::clamp(static_cast<int64_t>(std::llround(l)), min_length, max_length);
}

double LongReadProfile::hp_error_prob(int run) const {
  return run < 2 ? 0.0 : std::min(hp_cap, hp_coeff * (run - 1) * (run - 1));
}

bool sequence_long_read(const Haplotype& h, int64_t first, int64_t len, const LongReadProfile& p, SimRng& rng,
                        SimRead& out, std::vector<int64_t>& ref) {
  static constexpr char kBases[4] = {'A', 'C', 'G', 'T'};
  out.seq.clear();
  out.qual.clear();
  ref.clear();
  if (first < 0 || first >= h.size()) return false;
  auto emit = [&](char c, int64_t pos, bool error) {
    const uint64_t bits = rng.next() & 255;
    out.seq.push_back(c);
    out.qual.push_back(static_cast<char>(error ? p.bad_q[bits] : p.good_q[bits]));
    ref.push_back(pos);
  };
  // Errors stay 10 bases away from both ends, so no read starts or ends in one.
  auto inside = [&] { return out.seq.size() >= 10 && static_cast<int64_t>(out.seq.size()) + 10 < len; };
  auto base = [&](int64_t i) { return i >= 0 && i < h.size() ? h.seq[static_cast<size_t>(i)] : 'N'; };
  int64_t t = first, decided = -1;  // decided: the run start whose length error was already drawn
  bool low_next = false;            // the next emitted base belongs to a run that lost bases
  while (static_cast<int64_t>(out.seq.size()) < len && t < h.size()) {
    const char c = h.seq[static_cast<size_t>(t)];
    const int64_t pos = h.inserted[static_cast<size_t>(t)] ? -1 : h.ref_pos[static_cast<size_t>(t)];
    int run = 0;  // length of the homopolymer starting here (0: not a run start)
    if (t != decided && (t == first || base(t - 1) != c))
      while (run < 50 && base(t + run) == c) ++run;
    if (run >= 2) {
      decided = t;
      if (inside() && rng.chance(p.hp_error_prob(run))) {
        const int delta = run >= 6 && rng.chance(0.15) ? 2 : 1;
        if (rng.chance(p.del_fraction)) {
          t += std::min(delta, run - 1);  // the run's first bases are missing: a left-aligned deletion
          low_next = true;
        } else {
          for (int i = 0; i < delta; ++i) emit(c, -1, true);  // extra copies before the run: left-aligned
        }
        continue;
      }
    }
    const bool in_run = base(t - 1) == c || base(t + 1) == c;
    if (!in_run && inside() && rng.chance(p.indel_rate)) {
      if (rng.chance(p.del_fraction)) {
        ++t;
        low_next = true;
        continue;
      }
      emit(kBases[rng.below(4)], -1, true);
    }
    if (inside() && rng.chance(p.sub_rate)) {
      char s = c;
      while (s == c) s = kBases[rng.below(4)];
      emit(s, pos, true);
    } else {
      emit(c, pos, low_next);
    }
    low_next = false;
    ++t;
  }
  // A planted insertion can fall on either end: an aligner would clip those
  // bases, so the read simply does not include them.
  size_t b = 0, e = ref.size();
  while (b < e && ref[b] < 0) ++b;
  while (e > b && ref[e - 1] < 0) --e;
  if (static_cast<int64_t>(e - b) < p.min_length) return false;
  out.seq = out.seq.substr(b, e - b);
  out.qual = out.qual.substr(b, e - b);
  ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(e), ref.end());
  ref.erase(ref.begin(), ref.begin() + static_cast<std::ptrdiff_t>(b));
  out.pos = ref.front();
  out.end = ref.back() + 1;
  out.cigar = cigar_from_positions(ref);
  return true;
}

}  // namespace dvhpc::sim
