// One haplotype of the simulated diploid over a reference window, with the
// map from every haplotype base back to the reference.
//
// Reads are cut from haplotypes, so their alignment is known without an
// aligner: consecutive haplotype bases on consecutive reference positions
// are M, a jump in reference position is a D, and an inserted base is an I.
//
//   ref       A C G T - - A C     (window begins at ref 100)
//   hap       A C G T T T A C     (insertion of TT after ref 103)
//   ref_pos   100 101 102 103 103 103 104 105
//   inserted   0   0   0   0   1   1   0   0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/sim/variants.hpp"

namespace dvhpc::sim {

struct Haplotype {
  int64_t ref_begin = 0, ref_end = 0;  // the reference window it covers
  std::string seq;
  std::vector<int64_t> ref_pos;        // per base; inserted bases carry their anchor's position
  std::vector<uint8_t> inserted;       // 1 for bases absent from the reference

  int64_t size() const { return static_cast<int64_t>(seq.size()); }
  // Index of the first base whose reference position is >= ref (size() if none).
  // ref_pos never decreases, and an anchor precedes its inserted bases, so
  // this lands on a reference base, or past a deletion onto the next one.
  int64_t index_at(int64_t ref) const;
};

// Applies haplotype `hap` (0 or 1) of `vars` (sorted, non-overlapping) to
// the reference bases `ref` of [ref_begin, ref_begin + ref.size()). Variants
// not wholly inside the window are ignored. Alleles differing in length are
// aligned as an anchored indel: the common prefix matches, the length
// difference is inserted or deleted right after it, the rest aligns base
// for base (so VCF-style left-aligned indels map to the same CIGAR an
// aligner would give).
Haplotype build_haplotype(const std::string& ref, int64_t ref_begin, const std::vector<SimVariant>& vars, int hap);

}  // namespace dvhpc::sim
