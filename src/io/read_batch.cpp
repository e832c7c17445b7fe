#include "dvhpc/read_batch.hpp"

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

}  // namespace dvhpc
