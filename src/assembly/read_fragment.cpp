#include "read_fragment.hpp"

#include <algorithm>

#include "cigar_ops.hpp"
#include "dvhpc/cigar.hpp"

namespace dvhpc::assembly {
namespace {

using namespace cigar;  // BAM op codes, consumes_*, push_op

// Splits the ops into those of read bases [0, qb), [qb, qe) and [qe, m).
// An op that consumes no read base (D, N, H) belongs to the part whose
// boundary it touches: at base index qb it ends the prefix (a deletion
// just before the fragment's first aligned base is the prefix's), at qe it
// starts the suffix; strictly between, the fragment. Any output may be null.
void split_ops(const uint32_t* cigar, size_t n, uint32_t qb, uint32_t qe, std::vector<uint32_t>* prefix,
               std::vector<uint32_t>* middle, std::vector<uint32_t>* suffix) {
  uint32_t q = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t op = cigar[k] & 0xf, len = cigar[k] >> 4;
    if (!consumes_query(op)) {
      auto* to = q <= qb ? prefix : q >= qe ? suffix : middle;
      if (to) push_op(*to, op, len);
      continue;
    }
    const uint32_t e = q + len;
    if (prefix) push_op(*prefix, op, std::min(e, qb) - std::min(q, qb));
    if (middle) push_op(*middle, op, std::clamp(e, qb, qe) - std::clamp(q, qb, qe));
    if (suffix) push_op(*suffix, op, std::max(e, qe) - std::max(q, qe));
    q = e;
  }
}

}  // namespace

bool cut_fragment(const uint32_t* cigar, size_t n, int64_t pos, int64_t a, int64_t b, ReadFragment& out) {
  const int64_t end = ref_end_of(pos, cigar, n);
  // The first and last aligned bases inside [a, b): read index and reference position.
  int64_t first_q = -1, first_r = -1, last_q = -1, last_r = -1;
  int64_t rp = pos, m = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t op = cigar[k] & 0xf, len = cigar[k] >> 4;
    if (consumes_both(op)) {
      const int64_t lo = std::max(rp, a), hi = std::min(rp + len, b);
      if (lo < hi) {
        if (first_q < 0) first_q = m + (lo - rp), first_r = lo;
        last_q = m + (hi - 1 - rp), last_r = hi - 1;
      }
    }
    if (consumes_ref(op)) rp += len;
    if (consumes_query(op)) m += len;
  }
  if (first_q < 0) return false;
  out.left_free = pos >= a;
  out.right_free = end <= b;
  // On a free end, the clipped bases that would lie inside [a, b) come along
  // (a clip may hide an indel); those beyond stay clipped.
  const int64_t lead = leading_clip(cigar, n), trail = trailing_clip(cigar, n);
  out.qb = static_cast<uint32_t>(out.left_free ? std::max<int64_t>(0, lead - (pos - a)) : first_q);
  out.qe = static_cast<uint32_t>(out.right_free ? m - std::max<int64_t>(0, trail - (b - end)) : last_q + 1);
  out.pos = out.left_free ? pos : first_r;
  out.end = out.right_free ? end : last_r + 1;
  out.cigar.clear();
  split_ops(cigar, n, out.qb, out.qe, nullptr, &out.cigar, nullptr);
  return out.qb < out.qe;
}

bool joins(const ReadFragment& f, int64_t new_pos, const std::vector<uint32_t>& new_cigar) {
  if (new_cigar.empty()) return false;
  if (!f.left_free && (!consumes_both(new_cigar.front() & 0xf) || new_pos != f.pos)) return false;
  if (!f.right_free &&
      (!consumes_both(new_cigar.back() & 0xf) || ref_end_of(new_pos, new_cigar.data(), new_cigar.size()) != f.end))
    return false;
  return true;
}

void splice_fragment(int64_t& pos, std::vector<uint32_t>& cigar, uint32_t qb, uint32_t qe, bool left_free,
                     int64_t frag_pos, const std::vector<uint32_t>& frag_cigar) {
  std::vector<uint32_t> out, suffix;
  split_ops(cigar.data(), cigar.size(), qb, qe, &out, nullptr, &suffix);
  for (const uint32_t c : frag_cigar) push_op(out, c & 0xf, c >> 4);
  for (const uint32_t c : suffix) push_op(out, c & 0xf, c >> 4);
  cigar = std::move(out);
  if (left_free) pos = frag_pos;
}

}  // namespace dvhpc::assembly
