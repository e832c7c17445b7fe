#include "dvhpc/read_batch.hpp"

#include <type_traits>

namespace dvhpc {

void ReadBatch::clear() {
  *this = ReadBatch();
}

void ReadBatch::reserve(size_t reads, size_t bases_per_read) {
  pos.reserve(reads);
  end.reserve(reads);
  cigar_offset.reserve(reads + 1);
  cigar.reserve(reads * 2);
  seq_offset.reserve(reads + 1);
  bases.reserve(reads * bases_per_read);
  quals.reserve(reads * bases_per_read);
  mapq.reserve(reads);
  reverse.reserve(reads);
  insert_size.reserve(reads);
  name_hash.reserve(reads);
}

ReadBatch ReadBatch::slice(size_t lo, size_t hi) const {
  ReadBatch b;
  b.region = region;
  auto part = [lo, hi](const auto& v) { return std::decay_t<decltype(v)>(v.begin() + lo, v.begin() + hi); };
  b.pos = part(pos);
  b.end = part(end);
  b.mapq = part(mapq);
  b.reverse = part(reverse);
  b.insert_size = part(insert_size);
  b.name_hash = part(name_hash);
  const uint32_t c0 = cigar_offset[lo], c1 = cigar_offset[hi];
  b.cigar.assign(cigar.begin() + c0, cigar.begin() + c1);
  b.cigar_offset.resize(hi - lo + 1);
  for (size_t i = lo; i <= hi; ++i) b.cigar_offset[i - lo] = cigar_offset[i] - c0;
  const uint64_t s0 = seq_offset[lo], s1 = seq_offset[hi];
  b.bases.assign(bases.begin() + static_cast<std::ptrdiff_t>(s0), bases.begin() + static_cast<std::ptrdiff_t>(s1));
  b.quals.assign(quals.begin() + static_cast<std::ptrdiff_t>(s0), quals.begin() + static_cast<std::ptrdiff_t>(s1));
  b.seq_offset.resize(hi - lo + 1);
  for (size_t i = lo; i <= hi; ++i) b.seq_offset[i - lo] = seq_offset[i] - s0;
  return b;
}

}  // namespace dvhpc
