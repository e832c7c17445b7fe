#include "cigar_ops.hpp"

#include <algorithm>
#include <cstdint>

#include "dvhpc/read_batch.hpp"
#include "dvhpc/cigar.hpp"

namespace dvhpc::assembly {

using namespace cigar;  // BAM op codes, consumes_both

bool consumes_ref(uint32_t op) { return consumes_both(op) || op == kOpD || op == kOpN; }

int64_t ref_end_of(int64_t pos, const uint32_t* cigar, size_t n) {
  for (size_t k = 0; k < n; ++k)
    if (consumes_ref(cigar[k] & 0xf)) pos += cigar[k] >> 4;
  return pos;
}

uint32_t indel_bases(const uint32_t* cigar, size_t n) {
  uint32_t total = 0;
  for (size_t k = 0; k < n; ++k)
    if ((cigar[k] & 0xf) == kOpI || (cigar[k] & 0xf) == kOpD) total += cigar[k] >> 4;
  return total;
}

bool differs_from_ref(const uint8_t* bases, const uint32_t* cigar, size_t n, int64_t pos, const std::string& ref,
                      int64_t ref_begin, int64_t vb, int64_t ve) {
  int64_t rp = pos;
  size_t q = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t op = cigar[k] & 0xf;
    const int64_t len = cigar[k] >> 4;
    if (consumes_both(op)) {
      for (int64_t i = std::max(rp, vb); i < std::min(rp + len, ve); ++i)
        if (bases[q + static_cast<size_t>(i - rp)] != base_code(ref[static_cast<size_t>(i - ref_begin)])) return true;
      rp += len, q += static_cast<size_t>(len);
    } else if (op == kOpD || op == kOpN) {
      if (rp < ve && rp + len > vb) return true;
      rp += len;
    } else if (op == kOpI) {
      if (rp >= vb && rp <= ve) return true;
      q += static_cast<size_t>(len);
    } else if (op == kOpS) {
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
    if ((cigar[k] & 0xf) == kOpS) total += cigar[k] >> 4;
  return total;
}

namespace {
bool is_clip(uint32_t c) { return (c & 0xf) == kOpS || (c & 0xf) == kOpH; }
}  // namespace

int64_t leading_clip(const uint32_t* cigar, size_t n) {
  for (size_t k = 0; k < n && is_clip(cigar[k]); ++k)
    if ((cigar[k] & 0xf) == kOpS) return cigar[k] >> 4;
  return 0;
}

int64_t trailing_clip(const uint32_t* cigar, size_t n) {
  for (size_t k = n; k > 0 && is_clip(cigar[k - 1]); --k)
    if ((cigar[k - 1] & 0xf) == kOpS) return cigar[k - 1] >> 4;
  return 0;
}

}  // namespace dvhpc::assembly
