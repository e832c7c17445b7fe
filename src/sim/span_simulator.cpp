#include "dvhpc/sim/span_simulator.hpp"

#include <htslib/sam.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "dvhpc/error.hpp"
#include "dvhpc/sim/bam_writer.hpp"
#include "dvhpc/sim/haplotype.hpp"

namespace dvhpc::sim {
namespace {

// A record waiting to be sorted: its sort key and its encoding.
struct Pending {
  int64_t pos;
  int64_t block, k;
  int which;
  bam1_t* b;
  bool operator<(const Pending& o) const {
    return std::tie(pos, block, k, which) < std::tie(o.pos, o.block, o.k, o.which);
  }
};

// How far left of its fragment start a reverse read can begin (deletion
// errors make it walk past the start when the fragment is one read long).
constexpr int64_t kSlip = 32;
// A long read's POS is its first base (no mate to its left); only a planted
// deletion across its start moves POS right of the drawn start.
constexpr int64_t kLongSlip = 1024;

}  // namespace

std::vector<SimSpan> make_sim_spans(const std::vector<Region>& regions, int64_t span_size) {
  std::vector<SimSpan> out;
  for (size_t r = 0; r < regions.size(); ++r) {
    const Region& reg = regions[r];
    int64_t n = std::max<int64_t>(1, (reg.length() + span_size - 1) / span_size);
    for (int64_t i = 0; i < n; ++i) {
      SimSpan s;
      s.index = static_cast<int64_t>(out.size());
      s.region = static_cast<int>(r);
      s.bounds = reg;
      s.span = Region{reg.contig, reg.begin + reg.length() * i / n, reg.begin + reg.length() * (i + 1) / n};
      out.push_back(std::move(s));
    }
  }
  return out;
}

SpanSimulator::SpanSimulator(const Reference& ref, const std::vector<Region>& regions, std::vector<SimSpan> spans,
                             const SimulateConfig& cfg, const VcfVariantSource* vcf, std::string read_group,
                             int threads)
    : ref_(ref),
      regions_(regions),
      spans_(std::move(spans)),
      cfg_(cfg),
      vcf_(vcf),
      read_group_(std::move(read_group)),
      threads_(std::max(1, threads)),
      params_{cfg.read_length, cfg.insert_mean, cfg.insert_sd},
      errors_(cfg.read_length) {
  if (cfg.read_model != "illumina")
    long_ = LongReadProfile::make(cfg.read_model, cfg.long_read_length, cfg.long_read_error_rate);
  for (const auto& r : regions_) {
    int32_t tid = -1;
    for (size_t i = 0; i < ref.contigs().size(); ++i)
      if (ref.contigs()[i].name == r.contig) tid = static_cast<int32_t>(i);
    DVHPC_ASSERT(tid >= 0, "region contig not in the reference: " + r.contig);
    tids_.push_back(tid);
  }
}

const std::vector<SimVariant>& SpanSimulator::variants(int64_t idx) {
  auto it = cache_.find(idx);
  if (it != cache_.end()) return it->second;
  const SimSpan& s = spans_[static_cast<size_t>(idx)];
  std::string seq = ref_.fetch(s.span);
  std::vector<SimVariant> v;
  if (vcf_) {
    v = vcf_->in_span(s.span.contig, s.span.begin, s.span.end, seq, s.span.begin);
  } else {
    SimRng rng(key(cfg_.seed, {0x7661726eULL, static_cast<uint64_t>(idx)}));
    v = plant_variants(seq, s.span.begin, s.span.begin, s.span.end,
                       MutationRates{cfg_.snp_rate, cfg_.indel_rate, cfg_.het_fraction}, rng);
  }
  // Keep the cache to the spans a window can reach.
  while (!cache_.empty() && cache_.begin()->first + 8 < idx) cache_.erase(cache_.begin());
  return cache_.emplace(idx, std::move(v)).first->second;
}

SpanStats SpanSimulator::simulate(int64_t idx, const std::function<void(const bam1_t*)>& sink) {
  const SimSpan& s = spans_[static_cast<size_t>(idx)];
  const Region& reg = s.bounds;
  const bool is_long = long_.has_value();
  // Longest reference span of a fragment (long reads: deletion errors add a little).
  const int64_t mf = is_long ? long_->max_length + long_->max_length / 16 : params_.max_fragment();
  // The haplotype window: every fragment that can put a read in the span,
  // with room to spare, clipped to the region (fragments never leave it).
  const int64_t wb = std::max(reg.begin, s.span.begin - 2 * mf - kSlip);
  const int64_t we = std::min(reg.end, s.span.end + 2 * mf + kSlip);
  std::vector<SimVariant> vars;
  for (const auto& o : spans_) {
    if (o.region != s.region || o.span.end <= wb || o.span.begin >= we) continue;
    const auto& v = variants(o.index);
    vars.insert(vars.end(), v.begin(), v.end());
  }
  const std::string ref_seq = ref_.fetch(reg.contig, wb, we);
  const Haplotype h0 = build_haplotype(ref_seq, wb, vars, 0);
  const Haplotype h1 = build_haplotype(ref_seq, wb, vars, 1);
  const std::array<const Haplotype*, 2> haps = {&h0, &h1};

  // Long reads start before the region too (virtual blocks of negative
  // index) and are cut at its start, as they are cut at its end: coverage
  // is then even up to both ends instead of ramping up over a read length.
  const int64_t lead_in = is_long ? (mf + kBlock - 1) / kBlock * kBlock : 0;
  int64_t lo = std::max(reg.begin, s.span.begin - (is_long ? kLongSlip : mf + kSlip));
  if (lo == reg.begin) lo -= lead_in;
  const int64_t hi = std::min(reg.end, s.span.end + kSlip);
  auto block_of = [&](int64_t p) {  // floor division: lead-in blocks are negative
    const int64_t d = p - reg.begin;
    return d >= 0 ? d / kBlock : -((-d + kBlock - 1) / kBlock);
  };
  const int64_t b0 = block_of(lo), b1 = block_of(hi - 1);
  const double per_base =
      is_long ? cfg_.coverage / long_->mean_length() : cfg_.coverage / (2.0 * cfg_.read_length);
  const int32_t tid = tids_[static_cast<size_t>(s.region)];
  const uint64_t region_key = static_cast<uint64_t>(s.region);

  std::vector<std::vector<Pending>> per_block(static_cast<size_t>(b1 - b0 + 1));
  std::vector<int64_t> dropped(per_block.size(), 0);
  std::vector<std::string> errors(per_block.size());  // exceptions must not leave an OpenMP region
  // Blocks are independent (own keys, own output), so threads share nothing
  // but the read-only haplotypes.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_)
  for (int64_t b = b0; b <= b1; ++b) {
    const int64_t bb = reg.begin + b * kBlock, be = std::min(reg.end, bb + kBlock);
    SimRng count_rng(key(cfg_.seed, {0x636e74ULL, region_key, static_cast<uint64_t>(b)}));
    const double x = per_base * static_cast<double>(be - bb);
    const int64_t n = static_cast<int64_t>(x) + (count_rng.chance(x - std::floor(x)) ? 1 : 0);
    auto& out = per_block[static_cast<size_t>(b - b0)];
    try {
    Fragment f;
    std::vector<int64_t> scratch;
    std::string qname;
    for (int64_t k = 0; k < n; ++k) {
      SimRng rng(key(cfg_.seed, {0x66726167ULL, region_key, static_cast<uint64_t>(b), static_cast<uint64_t>(k)}));
      const int64_t start = bb + static_cast<int64_t>(rng.below(static_cast<uint64_t>(be - bb)));
      if (start < lo || start >= hi) continue;
      if (is_long) {  // one single-end read, cut short by the region's ends
        SimRead& rd = f.reads[0];
        const Haplotype& h = *haps[rng.below(2)];
        const bool reverse = rng.chance(0.5);
        const int64_t len = long_->draw_length(rng) - std::max<int64_t>(0, reg.begin - start);
        if (len < long_->min_length) continue;  // a lead-in read that ends before the region
        if (!sequence_long_read(h, h.index_at(std::max(start, reg.begin)), len, *long_, rng, rd, scratch)) {
          if (start >= s.span.begin && start < s.span.end) ++dropped[static_cast<size_t>(b - b0)];
          continue;
        }
        if (rd.pos < s.span.begin || rd.pos >= s.span.end) continue;
        qname = "sim" + std::to_string(s.region) + "_" + std::to_string(b) + "_" + std::to_string(k);
        bam1_t* rec = bam_init1();
        encode_single_read(rd, reverse, tid, qname, read_group_, rec);
        out.push_back(Pending{rd.pos, b, k, 0, rec});
        continue;
      }
      if (!simulate_fragment(haps, start, params_, errors_, rng, f, scratch)) {
        if (start >= s.span.begin && start < s.span.end) ++dropped[static_cast<size_t>(b - b0)];
        continue;
      }
      for (int which = 0; which < 2; ++which) {
        const int64_t pos = f.reads[static_cast<size_t>(which)].pos;
        if (pos < s.span.begin || pos >= s.span.end) continue;
        qname = "sim" + std::to_string(s.region) + "_" + std::to_string(b) + "_" + std::to_string(k);
        bam1_t* rec = bam_init1();
        encode_read(f, which, tid, qname, read_group_, rec);
        out.push_back(Pending{pos, b, k, which, rec});
      }
    }
    } catch (const std::exception& e) {
      errors[static_cast<size_t>(b - b0)] = e.what();
    }
  }
  std::vector<Pending> all;
  SpanStats st;
  for (size_t i = 0; i < per_block.size(); ++i) {
    if (!errors[i].empty()) {
      for (auto& blk : per_block)
        for (auto& p : blk) bam_destroy1(p.b);
      throw Error(ErrorKind::Internal, "simulating span " + std::to_string(idx) + ": " + errors[i]);
    }
  }
  for (size_t i = 0; i < per_block.size(); ++i) {
    all.insert(all.end(), per_block[i].begin(), per_block[i].end());
    st.fragments_dropped += dropped[i];
  }
  std::sort(all.begin(), all.end());
  st.records = static_cast<int64_t>(all.size());
  try {
    for (auto& p : all) {
      sink(p.b);
      bam_destroy1(p.b);
      p.b = nullptr;
    }
  } catch (...) {
    for (auto& p : all)
      if (p.b) bam_destroy1(p.b);
    throw;
  }
  return st;
}

}  // namespace dvhpc::sim
