#include "dvhpc/sim/variants.hpp"

#include <algorithm>

namespace dvhpc::sim {
namespace {

constexpr char kBases[4] = {'A', 'C', 'G', 'T'};

bool is_acgt(char c) { return c == 'A' || c == 'C' || c == 'G' || c == 'T'; }

// 1..10 with P(L) ~ 0.45 * 0.55^(L-1): most indels are 1-2 bases, as in real data.
int indel_length(SimRng& rng) { return 1 + static_cast<int>(std::min<int64_t>(9, rng.geometric(0.45))); }

}  // namespace

bool SimVariant::is_snp() const {
  if (ref.size() != 1) return false;
  for (const auto& a : alts)
    if (a.size() != 1) return false;
  return true;
}

std::vector<SimVariant> plant_variants(const std::string& seq, int64_t seq_begin, int64_t begin,
                                       int64_t end, const MutationRates& rates, SimRng& rng) {
  std::vector<SimVariant> out;
  const double total = rates.snp_rate + rates.indel_rate;
  if (total <= 0 || end <= begin) return out;
  const int64_t seq_end = seq_begin + static_cast<int64_t>(seq.size());
  auto at = [&](int64_t p) { return p >= seq_begin && p < seq_end ? seq[static_cast<size_t>(p - seq_begin)] : 'N'; };
  int64_t next_free = begin;  // first position a new variant may touch
  int64_t p = begin - 1;
  while (true) {
    p += 1 + rng.geometric(total);
    if (p >= end) break;
    if (p < next_free || !is_acgt(at(p))) continue;
    SimVariant v;
    if (rng.chance(rates.snp_rate / total)) {
      char b = at(p), alt = b;
      while (alt == b) alt = kBases[rng.below(4)];
      v.pos = p;
      v.ref = std::string(1, b);
      v.alts = {std::string(1, alt)};
    } else {
      int len = indel_length(rng);
      bool insertion = rng.chance(0.5);
      int64_t anchor = p;
      std::string ins;
      // Homopolymer placement: the first run of >= 3 equal bases within 40 bp
      // gains or loses copies of its base.
      if (rng.chance(0.5)) {
        for (int64_t q = p + 1; q < std::min(p + 40, end - 12); ++q) {
          char c = at(q);
          if (c == at(q - 1) || !is_acgt(c)) continue;
          int64_t run = 1;
          while (run < 20 && at(q + run) == c) ++run;
          if (run >= 3) {
            anchor = q - 1;
            if (!insertion) len = static_cast<int>(std::min<int64_t>(len, run));
            ins.assign(static_cast<size_t>(len), c);
            break;
          }
        }
      }
      if (insertion && ins.empty())
        for (int i = 0; i < len; ++i) ins += kBases[rng.below(4)];
      if (insertion) {
        // Left-align: inserting S after p equals inserting seq[p]+S[..-1] after p-1.
        while (anchor - 1 >= next_free && at(anchor) == ins.back()) {
          ins = std::string(1, at(anchor)) + ins.substr(0, ins.size() - 1);
          --anchor;
        }
        v.pos = anchor;
        v.ref = std::string(1, at(anchor));
        v.alts = {v.ref + ins};
      } else {
        // Left-align: deleting seq[p+1..p+L] equals deleting seq[p..p+L-1] when seq[p] == seq[p+L].
        while (anchor - 1 >= next_free && at(anchor) == at(anchor + len)) --anchor;
        v.pos = anchor;
        for (int64_t i = anchor; i <= anchor + len; ++i) v.ref += at(i);
        v.alts = {std::string(1, at(anchor))};
      }
      bool ok = v.pos >= next_free && v.ref_end() < end;
      for (char c : v.ref) ok = ok && is_acgt(c);
      for (char c : v.alts[0]) ok = ok && is_acgt(c);
      if (!ok) continue;
    }
    if (rng.chance(rates.het_fraction)) {
      int h = static_cast<int>(rng.below(2));
      v.gt = {h == 0 ? 1 : 0, h == 0 ? 0 : 1};
    } else {
      v.gt = {1, 1};
    }
    next_free = v.ref_end() + 1;  // one untouched base between variants
    p = std::max(p, next_free - 1);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::string> truth_vcf_header_lines() {
  return {"##source=dvhpc simulate",
          "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Phased genotype of the simulated diploid\">"};
}

std::string truth_vcf_text(const std::string& contig, const std::vector<SimVariant>& vars) {
  std::string t;
  for (const auto& v : vars) {
    t += contig;
    t += '\t';
    t += std::to_string(v.pos + 1);
    t += "\t.\t";
    t += v.ref;
    t += '\t';
    for (size_t i = 0; i < v.alts.size(); ++i) t += (i ? "," : "") + v.alts[i];
    t += "\t.\tPASS\t.\tGT\t";
    t += std::to_string(v.gt[0]) + "|" + std::to_string(v.gt[1]) + "\n";
  }
  return t;
}

}  // namespace dvhpc::sim
