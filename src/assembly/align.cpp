#include "align.hpp"

#include <algorithm>
#include <climits>

#include "dvhpc/read_batch.hpp"
#include "dvhpc/cigar.hpp"

namespace dvhpc::assembly {
namespace {

constexpr int kInf = 1 << 28;
using namespace cigar;  // BAM op codes, push_op


int mismatch_cost(uint8_t q) { return std::min<int>(q, kReadMaxMismatch); }

}  // namespace

std::vector<int64_t> align_haplotype(const std::string& hap, const std::string& ref, int64_t ref_begin) {
  constexpr int kMatch = 200, kMismatch = -150, kOpen = -260, kExtend = -11, kNeg = INT_MIN / 4;
  const int n = static_cast<int>(hap.size()), m = static_cast<int>(ref.size()), w = m + 1;
  // h: best; e: ends with reference bases the haplotype lacks (moves j);
  // f: ends with haplotype bases the reference lacks (moves i).
  std::vector<int> h(static_cast<size_t>(n + 1) * w), e(h.size(), kNeg), f(h.size(), kNeg);
  auto at = [w](int i, int j) { return static_cast<size_t>(i) * w + j; };
  for (int j = 1; j <= m; ++j) h[at(0, j)] = e[at(0, j)] = kOpen + (j - 1) * kExtend;
  for (int i = 1; i <= n; ++i) h[at(i, 0)] = f[at(i, 0)] = kOpen + (i - 1) * kExtend;
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= m; ++j) {
      e[at(i, j)] = std::max(h[at(i, j - 1)] + kOpen, e[at(i, j - 1)] + kExtend);
      f[at(i, j)] = std::max(h[at(i - 1, j)] + kOpen, f[at(i - 1, j)] + kExtend);
      const int d = h[at(i - 1, j - 1)] + (hap[i - 1] == ref[j - 1] ? kMatch : kMismatch);
      h[at(i, j)] = std::max({d, e[at(i, j)], f[at(i, j)]});
    }
  // Traceback from the end; taking the diagonal whenever it ties pushes
  // gaps to the left, the VCF convention for repeats.
  std::vector<int64_t> ref_of(static_cast<size_t>(n), -1);
  int i = n, j = m, state = 0;  // 0 h, 1 e, 2 f
  while (i > 0 || j > 0) {
    if (state == 0) {
      if (i > 0 && j > 0 && h[at(i, j)] == h[at(i - 1, j - 1)] + (hap[i - 1] == ref[j - 1] ? kMatch : kMismatch)) {
        ref_of[static_cast<size_t>(i - 1)] = ref_begin + j - 1;
        --i, --j;
      } else {
        state = (j > 0 && h[at(i, j)] == e[at(i, j)]) ? 1 : 2;
      }
    } else if (state == 1) {
      const bool opened = i == 0 ? j == 1 : e[at(i, j)] == h[at(i, j - 1)] + kOpen;
      --j;
      if (opened && i > 0) state = 0;
    } else {
      const bool opened = j == 0 ? i == 1 : f[at(i, j)] == h[at(i - 1, j)] + kOpen;
      --i;  // ref_of stays -1: an inserted base
      if (opened && j > 0) state = 0;
    }
  }
  return ref_of;
}

bool BandedAligner::align(const uint8_t* read, const uint8_t* qual, int m, const uint8_t* target, int n, int64_t diag,
                          int band, ReadAlignment& out) {
  if (m <= 0 || band < 0 || diag + m + band < 0 || diag - band > n) return false;
  const int width = 2 * band + 1;
  const size_t cells = static_cast<size_t>(m + 1) * width;
  // Every cell a later one reads is written below (kInf outside the target
  // and where no gap can end), so the buffers need no clearing per call.
  h_.resize(cells);
  e_.resize(cells);
  f_.resize(cells);
  tb_.resize(cells);
  // Cell (i, d): read[0, i) aligned, ending at target position
  // j = i + diag + d - band. The diagonal predecessor has the same d; the
  // target-gap one is d - 1 in this row; the read-gap one d + 1 in the last.
  auto col = [&](int i, int d) { return static_cast<int64_t>(i) + diag + d - band; };
  // Codes: where h came from (start / diagonal / e / f), whether e and f
  // extend, and whether the diagonal step began the alignment after a
  // clipped prefix (a clip alone, with no base aligned, is not an end).
  enum : uint8_t { kStart = 0, kDiag = 1, kFromE = 2, kFromF = 3, kEExt = 4, kFExt = 8, kAfterClip = 16 };
  for (int i = 0; i <= m; ++i) {
    const size_t row = static_cast<size_t>(i) * width;
    // Cells of this row inside the target: 0 <= j <= n.
    const int dlo = static_cast<int>(std::clamp<int64_t>(band - i - diag, 0, width));
    const int dhi = static_cast<int>(std::clamp<int64_t>(n + band - i - diag, -1, width - 1));
    for (int d = 0; d < width; ++d) {
      if (d >= dlo && d <= dhi) continue;
      h_[row + d] = e_[row + d] = f_[row + d] = kInf;
    }
    const int clip_prev = i > 1 ? clip_cost(i - 1) : kInf;
    for (int d = dlo; d <= dhi; ++d) {
      const int64_t j = col(i, d);
      const size_t c = row + d;
      uint8_t code = kStart;
      int best = i == 0 ? 0 : kInf;  // row 0: the target's start is free
      int fc = kInf, ec = kInf;
      if (i > 0) {
        if (j > 0) {
          const int sub = read[i - 1] == target[j - 1] && read[i - 1] < 4 ? 0 : mismatch_cost(qual[i - 1]);
          const int prev = h_[c - width];
          if (clip_prev < prev) {
            best = clip_prev + sub, code = kDiag | kAfterClip;
          } else {
            best = prev + sub, code = kDiag;
          }
        }
        if (d + 1 < width) {
          const size_t up = c - width + 1;
          const int open = h_[up] + kReadGapOpen + kReadGapExtend, ext = f_[up] + kReadGapExtend;
          fc = std::min(open, ext);
          if (ext < open) code |= kFExt;
        }
        if (d > 0 && j > 0) {
          const int open = h_[c - 1] + kReadGapOpen + kReadGapExtend, ext = e_[c - 1] + kReadGapExtend;
          ec = std::min(open, ext);
          if (ext < open) code |= kEExt;
        }
      }
      e_[c] = ec;
      f_[c] = fc;
      if (ec < best) best = ec, code = static_cast<uint8_t>((code & (kEExt | kFExt)) | kFromE);
      if (fc < best) best = fc, code = static_cast<uint8_t>((code & (kEExt | kFExt)) | kFromF);
      h_[c] = best;
      tb_[c] = code;
    }
  }
  // End: the whole read, else a clipped suffix when that is strictly cheaper.
  int best = kInf, bi = -1, bd = -1;
  for (int i = m; i >= 1; --i) {
    const int extra = clip_cost(m - i);
    for (int d = 0; d < width; ++d) {
      const int64_t j = col(i, d);
      if (j < 0 || j > n) continue;
      const int v = h_[static_cast<size_t>(i) * width + d] + extra;
      if (v < best) best = v, bi = i, bd = d;
    }
  }
  if (bi < 0 || best >= kInf) return false;
  std::vector<uint32_t> rev;  // ops from the end backwards
  push_op(rev, kOpS, static_cast<uint32_t>(m - bi));
  int i = bi, d = bd, state = 0;
  while (true) {
    const size_t c = static_cast<size_t>(i) * width + d;
    if (state == 0) {
      const uint8_t src = tb_[c] & 3;
      if (src == kStart) break;
      if (src == kDiag) {
        push_op(rev, kOpM, 1);
        --i;
        if (tb_[c] & kAfterClip) break;
      } else {
        state = src == kFromE ? 1 : 2;
      }
    } else if (state == 1) {  // a target base the read lacks
      push_op(rev, kOpD, 1);
      state = (tb_[c] & kEExt) ? 1 : 0;
      --d;
    } else {  // a read base the target lacks
      push_op(rev, kOpI, 1);
      state = (tb_[c] & kFExt) ? 2 : 0;
      --i, ++d;
    }
  }
  push_op(rev, kOpS, static_cast<uint32_t>(i));
  out.cost = best;
  out.target_begin = col(i, d);
  out.cigar.assign(rev.rbegin(), rev.rend());
  return true;
}

bool compose(const ReadAlignment& aln, const std::vector<int64_t>& ref_of, int64_t& pos,
             std::vector<uint32_t>& cigar) {
  cigar.clear();
  bool started = false;
  int64_t last_ref = -1;
  uint32_t lead = 0;  // read bases before the first one placed on the reference
  int64_t t = aln.target_begin;
  auto place_ref = [&](int64_t r, uint32_t op) {  // op M or D on reference base r
    if (r > last_ref + 1) push_op(cigar, kOpD, static_cast<uint32_t>(r - last_ref - 1));
    push_op(cigar, op, 1);
    last_ref = r;
  };
  for (const uint32_t c : aln.cigar) {
    const uint32_t op = c & 0xf, len = c >> 4;
    for (uint32_t k = 0; k < len; ++k) {
      if (op == kOpS || op == kOpI) {
        if (started) push_op(cigar, op == kOpS ? kOpS : kOpI, 1);
        else ++lead;
      } else if (op == kOpM) {
        const int64_t r = ref_of[static_cast<size_t>(t++)];
        if (r < 0) {
          if (started) push_op(cigar, kOpI, 1);
          else ++lead;
        } else if (!started) {
          started = true;
          pos = r;
          last_ref = r - 1;
          push_op(cigar, kOpS, lead);
          place_ref(r, kOpM);
        } else {
          place_ref(r, kOpM);
        }
      } else if (op == kOpD) {
        const int64_t r = ref_of[static_cast<size_t>(t++)];
        if (r >= 0 && started) place_ref(r, kOpD);
      }
    }
  }
  if (!started) return false;
  // Trailing insertions become soft clip, trailing deletions go.
  uint32_t tail = 0;
  while (!cigar.empty() && (cigar.back() & 0xf) != kOpM) {
    if ((cigar.back() & 0xf) != kOpD) tail += cigar.back() >> 4;
    cigar.pop_back();
  }
  push_op(cigar, kOpS, tail);
  return true;
}

int alignment_cost(const uint8_t* read, const uint8_t* qual, const uint32_t* cigar, size_t n_cigar, int64_t pos,
                   const std::string& ref, int64_t ref_begin) {
  int cost = 0;
  int64_t rp = pos - ref_begin;
  size_t q = 0;
  for (size_t k = 0; k < n_cigar; ++k) {
    const uint32_t op = cigar[k] & 0xf, len = cigar[k] >> 4;
    if (consumes_both(op)) {
      if (rp < 0 || rp + len > static_cast<int64_t>(ref.size())) return -1;
      for (uint32_t i = 0; i < len; ++i, ++q, ++rp)
        if (read[q] != base_code(ref[static_cast<size_t>(rp)]) || read[q] >= 4)
          cost += mismatch_cost(qual[q]);
    } else if (op == kOpI) {
      cost += kReadGapOpen + kReadGapExtend * static_cast<int>(len);
      q += len;
    } else if (op == kOpD) {
      cost += kReadGapOpen + kReadGapExtend * static_cast<int>(len);
      rp += len;
    } else if (op == kOpS) {
      cost += clip_cost(len);
      q += len;
    } else if (op == kOpN) {
      return -1;  // spliced reads are not realigned
    }
  }
  return cost;
}

}  // namespace dvhpc::assembly
