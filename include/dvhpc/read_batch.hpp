// A batch of aligned reads as a struct of arrays, ready to copy into Kokkos
// Views (one flat array per field, CSR offsets for the variable-length
// fields), so kernels on CPU or GPU walk reads without pointers or htslib.
//
//   read r:   pos[r] ........ end[r]           (reference, 0-based)
//   CIGAR:    cigar[cigar_offset[r] .. cigar_offset[r+1])   BAM-encoded len<<4|op
//   bases:    bases[seq_offset[r] .. seq_offset[r+1])        0..4 = A,C,G,T,N
//   quals:    quals[seq_offset[r] .. seq_offset[r+1])        phred
//
// Bases are stored one per byte (not 4-bit packed): kernels read them at
// random offsets and the batch is small next to the count arrays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/region.hpp"

namespace dvhpc {

// Base codes used by batches and kernels.
enum BaseCode : uint8_t { kA = 0, kC = 1, kG = 2, kT = 3, kN = 4 };

// 'A'/'a' -> kA ... anything else -> kN.
inline uint8_t base_code(char c) {
  switch (c) {
    case 'A': case 'a': return kA;
    case 'C': case 'c': return kC;
    case 'G': case 'g': return kG;
    case 'T': case 't': return kT;
    default: return kN;
  }
}
inline char base_char(uint8_t code) { return "ACGTN"[code < 5 ? code : 4]; }

struct ReadBatch {
  Region region;                    // the reads overlap this (reference naming)
  std::vector<int64_t> pos;         // 0-based leftmost aligned reference base
  std::vector<int64_t> end;         // 0-based exclusive end on the reference
  std::vector<uint32_t> cigar_offset{0};
  std::vector<uint32_t> cigar;      // BAM encoding: length << 4 | op (BAM_CMATCH...)
  std::vector<uint64_t> seq_offset{0};
  std::vector<uint8_t> bases;       // BaseCode per query base
  std::vector<uint8_t> quals;       // phred per query base
  std::vector<uint8_t> mapq;
  std::vector<uint8_t> reverse;     // 1 = reverse strand
  std::vector<int32_t> insert_size; // TLEN
  std::vector<uint64_t> name_hash;  // stable hash of QNAME (deterministic sampling)

  size_t size() const { return pos.size(); }
  bool empty() const { return pos.empty(); }
  void clear();
  void reserve(size_t reads, size_t bases_per_read);
  // Reads [lo, hi) as a batch of their own (offsets rebased), e.g. the reads
  // around one chunk of candidate sites.
  ReadBatch slice(size_t lo, size_t hi) const;
};

}  // namespace dvhpc
