// Test helper: appending hand-written reads to a ReadBatch.
#pragma once

#include <cstdint>
#include <string>

#include "dvhpc/read_batch.hpp"

namespace dvhpc::test {

// Appends one read: 0-based pos, CIGAR like "3S10M2D5M", bases, all `qual`.
inline void add_read(ReadBatch& b, int64_t pos, const std::string& cigar, const std::string& seq, bool rev = false,
                     uint8_t qual = 30) {
  int64_t end = pos;
  uint32_t len = 0;
  for (char c : cigar) {
    if (c >= '0' && c <= '9') {
      len = len * 10 + uint32_t(c - '0');
      continue;
    }
    const uint32_t op = uint32_t(std::string("MIDNSHP=X").find(c));
    if (op == 0 || op == 2 || op == 3 || op == 7 || op == 8) end += len;
    b.cigar.push_back(len << 4 | op);
    len = 0;
  }
  b.cigar_offset.push_back(uint32_t(b.cigar.size()));
  for (char c : seq) {
    b.bases.push_back(base_code(c));
    b.quals.push_back(qual);
  }
  b.seq_offset.push_back(b.bases.size());
  b.pos.push_back(pos);
  b.end.push_back(end);
  b.mapq.push_back(60);
  b.reverse.push_back(rev ? 1 : 0);
  b.insert_size.push_back(0);
  b.name_hash.push_back(uint64_t(b.pos.size()) * 7919u);
}

// "10M2I5M" for a BAM-encoded CIGAR.
inline std::string cigar_string(const uint32_t* ops, size_t n) {
  std::string s;
  for (size_t k = 0; k < n; ++k) s += std::to_string(ops[k] >> 4) + "MIDNSHP=X"[ops[k] & 0xf];
  return s;
}

}  // namespace dvhpc::test
