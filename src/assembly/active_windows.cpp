#include "active_windows.hpp"

#include <algorithm>

#include "dvhpc/cigar.hpp"

namespace dvhpc::assembly {

void cover_repeats(const std::string& ref, int64_t& lo, int64_t& hi, int64_t extra_period, int64_t max_extend) {
  const int64_t n = static_cast<int64_t>(ref.size());
  auto at = [&](int64_t i) { return ref[static_cast<size_t>(i)]; };
  const int64_t lo0 = lo, hi0 = hi;
  for (int64_t period = 1; period <= 7; ++period) {
    const int64_t p = period == 7 ? extra_period : period;
    if (p < 1 || (period == 7 && p <= 6)) continue;
    // A periodic run (two copies at least) through the last base rightwards ...
    int64_t r = hi0 - 1;
    while (r + p < n && r - hi0 < max_extend && at(r) == at(r + p)) ++r;
    if (r - (hi0 - 1) >= p) hi = std::max(hi, r + p);
    // ... and through the first base leftwards.
    int64_t l = lo0;
    while (l - p >= 0 && lo0 - l < max_extend && at(l) == at(l - p)) --l;
    if (lo0 - l >= p) lo = std::min(lo, l - p + 1);
  }
}

std::vector<Window> active_windows(const ReadBatch& batch, const std::string& ref, int64_t ref_begin,
                                   const AssemblyConfig& cfg, WindowStats* stats) {
  const int64_t n = static_cast<int64_t>(ref.size());
  std::vector<int32_t> events(static_cast<size_t>(n), 0);
  std::vector<int32_t> span(static_cast<size_t>(n), 0);  // longest deletion starting here
  auto mark = [&](int64_t p, int64_t len) {
    const int64_t i = p - ref_begin;
    if (i < 0 || i >= n) return;
    ++events[static_cast<size_t>(i)];
    span[static_cast<size_t>(i)] = std::max<int32_t>(span[static_cast<size_t>(i)], static_cast<int32_t>(len));
  };
  for (size_t r = 0; r < batch.size(); ++r) {
    int64_t rp = batch.pos[r];
    const uint32_t c0 = batch.cigar_offset[r], c1 = batch.cigar_offset[r + 1];
    for (uint32_t k = c0; k < c1; ++k) {
      const uint32_t op = batch.cigar[k] & 0xf, len = batch.cigar[k] >> 4;
      if (cigar::consumes_both(op)) {
        rp += len;
      } else if (op == cigar::kOpD) {
        mark(rp, len);
        rp += len;
      } else if (op == cigar::kOpN) {
        rp += len;
      } else if (op == cigar::kOpI) {
        mark(rp, 0);
      } else if (op == cigar::kOpS) {
        mark(k == c0 ? rp : rp - 1, 0);
      }
    }
  }
  std::vector<Window> raw;
  int64_t active = 0, too_long = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (events[static_cast<size_t>(i)] < cfg.min_events) continue;
    ++active;
    const int64_t len = span[static_cast<size_t>(i)];
    int64_t lo = i, hi = i + 1 + len;
    cover_repeats(ref, lo, hi, len > 6 ? len : 0, cfg.max_window);
    raw.push_back({ref_begin + std::max<int64_t>(0, lo - cfg.padding), ref_begin + std::min(n, hi + cfg.padding)});
  }
  // Repeat cover can reach left past earlier windows: sort, then merge.
  std::sort(raw.begin(), raw.end(), [](const Window& a, const Window& b) { return a.begin < b.begin; });
  std::vector<Window> out;
  for (size_t i = 0; i < raw.size();) {
    Window w = raw[i++];
    while (i < raw.size() && raw[i].begin <= w.end) w.end = std::max(w.end, raw[i++].end);
    if (w.end - w.begin > cfg.max_window) ++too_long;
    else out.push_back(w);
  }
  if (stats) {
    stats->active_positions += active;
    stats->too_long += too_long;
  }
  return out;
}

}  // namespace dvhpc::assembly
