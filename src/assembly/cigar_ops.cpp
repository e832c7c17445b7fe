#include "cigar_ops.hpp"

#include <algorithm>
#include <cstdint>

#include "dvhpc/read_batch.hpp"

namespace dvhpc::assembly {

bool consumes_ref(uint32_t op) { return op == 0 || op == 2 || op == 3 || op == 7 || op == 8; }

int64_t ref_end_of(int64_t pos, const uint32_t* cigar, size_t n) {
  for (size_t k = 0; k < n; ++k)
    if (consumes_ref(cigar[k] & 0xf)) pos += cigar[k] >> 4;
  return pos;
}

void query_range(const uint32_t* cigar, size_t n, int64_t pos, int64_t w0, int64_t w1, size_t& qb, size_t& qe) {
  qb = SIZE_MAX, qe = 0;
  int64_t rp = pos;
  size_t q = 0;
  bool aligned = false;
  auto take = [&](int64_t first, int64_t len) {
    const int64_t lo = std::max<int64_t>(0, w0 - first), hi = std::min(len, w1 - first);
    if (lo < hi) qb = std::min(qb, q + static_cast<size_t>(lo)), qe = std::max(qe, q + static_cast<size_t>(hi));
  };
  for (size_t k = 0; k < n; ++k) {
    const uint32_t op = cigar[k] & 0xf;
    const int64_t len = cigar[k] >> 4;
    if (op == 0 || op == 7 || op == 8) {
      take(rp, len);
      rp += len, q += static_cast<size_t>(len), aligned = true;
    } else if (op == 2 || op == 3) {
      rp += len, aligned = true;
    } else if (op == 1) {
      if (rp > w0 && rp < w1) qb = std::min(qb, q), qe = std::max(qe, q + static_cast<size_t>(len));
      q += static_cast<size_t>(len), aligned = true;
    } else if (op == 4) {
      take(aligned ? rp : rp - len, len);
      q += static_cast<size_t>(len);
    }
  }
  if (qb > qe) qb = qe;
}

uint32_t indel_bases(const uint32_t* cigar, size_t n) {
  uint32_t total = 0;
  for (size_t k = 0; k < n; ++k)
    if ((cigar[k] & 0xf) == 1 || (cigar[k] & 0xf) == 2) total += cigar[k] >> 4;
  return total;
}

bool differs_from_ref(const uint8_t* bases, const uint32_t* cigar, size_t n, int64_t pos, const std::string& ref,
                      int64_t ref_begin, int64_t vb, int64_t ve) {
  int64_t rp = pos;
  size_t q = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t op = cigar[k] & 0xf;
    const int64_t len = cigar[k] >> 4;
    if (op == 0 || op == 7 || op == 8) {
      for (int64_t i = std::max(rp, vb); i < std::min(rp + len, ve); ++i)
        if (bases[q + static_cast<size_t>(i - rp)] != base_code(ref[static_cast<size_t>(i - ref_begin)])) return true;
      rp += len, q += static_cast<size_t>(len);
    } else if (op == 2 || op == 3) {
      if (rp < ve && rp + len > vb) return true;
      rp += len;
    } else if (op == 1) {
      if (rp >= vb && rp <= ve) return true;
      q += static_cast<size_t>(len);
    } else if (op == 4) {
      const int64_t lo = rp == pos && q == 0 ? rp - len : rp;  // leading (after any H) or trailing
      if (lo < ve && lo + len > vb) return true;
      q += static_cast<size_t>(len);
    }
  }
  return false;
}

uint32_t clipped_bases(const uint32_t* cigar, size_t n) {
  uint32_t total = 0;
  for (size_t k = 0; k < n; ++k)
    if ((cigar[k] & 0xf) == 4) total += cigar[k] >> 4;
  return total;
}

int64_t leading_clip(const uint32_t* cigar, size_t n) {
  auto clip = [](uint32_t c) { return (c & 0xf) == 4 || (c & 0xf) == 5; };  // S or H
  for (size_t k = 0; k < n && clip(cigar[k]); ++k)
    if ((cigar[k] & 0xf) == 4) return cigar[k] >> 4;
  return 0;
}

int64_t trailing_clip(const uint32_t* cigar, size_t n) {
  auto clip = [](uint32_t c) { return (c & 0xf) == 4 || (c & 0xf) == 5; };
  for (size_t k = n; k > 0 && clip(cigar[k - 1]); --k)
    if ((cigar[k - 1] & 0xf) == 4) return cigar[k - 1] >> 4;
  return 0;
}

}  // namespace dvhpc::assembly
