#include "dvhpc/sim/haplotype.hpp"

#include <algorithm>

namespace dvhpc::sim {

int64_t Haplotype::index_at(int64_t ref) const {
  return std::lower_bound(ref_pos.begin(), ref_pos.end(), ref) - ref_pos.begin();
}

Haplotype build_haplotype(const std::string& ref, int64_t ref_begin, const std::vector<SimVariant>& vars, int hap) {
  Haplotype h;
  h.ref_begin = ref_begin;
  h.ref_end = ref_begin + static_cast<int64_t>(ref.size());
  h.seq.reserve(ref.size() + 64);
  h.ref_pos.reserve(ref.size() + 64);
  h.inserted.reserve(ref.size() + 64);
  auto push = [&h](char c, int64_t pos, bool ins) {
    h.seq.push_back(c);
    h.ref_pos.push_back(pos);
    h.inserted.push_back(ins ? 1 : 0);
  };
  int64_t cur = ref_begin;  // next reference position to copy
  for (const auto& v : vars) {
    if (v.pos < cur || v.ref_end() > h.ref_end) continue;  // outside the window (or overlapping: a bug upstream)
    if (v.gt[hap] == 0) continue;
    for (; cur < v.pos; ++cur) push(ref[static_cast<size_t>(cur - ref_begin)], cur, false);
    const std::string& r = v.ref;
    const std::string& a = v.allele(hap);
    size_t prefix = 0;
    while (prefix < r.size() && prefix < a.size() && r[prefix] == a[prefix]) ++prefix;
    if (a.size() != r.size() && prefix == 0) prefix = std::min<size_t>(1, std::min(r.size(), a.size()));
    for (size_t i = 0; i < prefix; ++i) push(a[i], v.pos + static_cast<int64_t>(i), false);
    int64_t last = v.pos + static_cast<int64_t>(prefix) - 1;  // reference position of the last base pushed
    if (a.size() > r.size()) {
      size_t n_ins = a.size() - r.size();
      for (size_t i = 0; i < n_ins; ++i) push(a[prefix + i], last, true);
      for (size_t i = prefix + n_ins; i < a.size(); ++i) push(a[i], v.pos + static_cast<int64_t>(i - n_ins), false);
    } else {
      size_t n_del = r.size() - a.size();
      for (size_t i = prefix; i < a.size(); ++i) push(a[i], v.pos + static_cast<int64_t>(i + n_del), false);
    }
    cur = v.ref_end();
  }
  for (; cur < h.ref_end; ++cur) push(ref[static_cast<size_t>(cur - ref_begin)], cur, false);
  return h;
}

}  // namespace dvhpc::sim
