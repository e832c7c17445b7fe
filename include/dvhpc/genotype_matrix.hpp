// The genotype matrix (variants x samples), as every population command
// (`pca`, later `joint` and `gp`) holds it: 2 bits per genotype, variant-major,
// each rank holding some whole variants of it.
//
// The 2-bit codes are PLINK 1's .bed codes, so a .bed row is a packed row
// byte for byte (reading and writing PLINK is a copy) and 4 genotypes fit in
// a byte: 1M variants x 20,000 samples is 5 GB, not the 20 GB of int8.
// Sample j of a row is bits 2(j mod 4) .. 2(j mod 4)+1 of byte j / 4; the
// padding bits of a row's last byte are zero.
//
//   code  PLINK meaning          here
//   0b00  homozygous A1          2 copies of the counted allele (ALT)
//   0b01  missing                missing
//   0b10  heterozygous           1 copy
//   0b11  homozygous A2          0 copies (REF)
//
// A1 is the counted allele: the ALT allele of a VCF, the 5th column of a .bim
// (as plink2 reads it), the `alt` column of the HDF5 layout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc {

namespace gcode {
constexpr uint8_t kTwo = 0, kMissing = 1, kOne = 2, kZero = 3;
}  // namespace gcode

// Bytes of one packed row of n samples.
inline int64_t packed_row_bytes(int64_t n_samples) { return (n_samples + 3) / 4; }

// The code of sample j in a packed row.
inline uint8_t code_at(const uint8_t* row, int64_t j) {
  return static_cast<uint8_t>((row[j >> 2] >> ((j & 3) * 2)) & 3);
}

// The code of `alt_copies` counted alleles (0, 1, 2; anything else = missing).
inline uint8_t code_of(int alt_copies) {
  switch (alt_copies) {
    case 0: return gcode::kZero;
    case 1: return gcode::kOne;
    case 2: return gcode::kTwo;
    default: return gcode::kMissing;
  }
}

// Counted-allele copies of a code: 2, -1 (missing), 1, 0.
inline int alt_copies(uint8_t code) {
  static constexpr int table[4] = {2, -1, 1, 0};
  return table[code & 3];
}

// Sets sample j of a packed row (the row must start zeroed or hold a code there).
inline void set_code(uint8_t* row, int64_t j, uint8_t code) {
  const int shift = static_cast<int>((j & 3) * 2);
  row[j >> 2] = static_cast<uint8_t>((row[j >> 2] & ~(3 << shift)) | ((code & 3) << shift));
}

struct SampleId {
  std::string fid, iid;
};

struct VariantId {
  std::string chrom;
  int64_t pos = 0;   // 1-based
  std::string id;    // "." is replaced by chrom:pos:ref:alt when read
  std::string alt;   // A1, the counted allele
  std::string ref;   // A2
};

// This rank's share of a genotype matrix: all samples, some variants.
struct GenotypeMatrix {
  std::vector<SampleId> samples;  // every sample, on every rank, in column order
  int64_t total_variants = 0;     // over all ranks
  std::vector<int64_t> index;     // global row index of each local variant, ascending
  std::vector<VariantId> variants;
  std::vector<uint8_t> packed;    // local rows, row_bytes() each

  int64_t n_samples() const { return static_cast<int64_t>(samples.size()); }
  int64_t local_variants() const { return static_cast<int64_t>(index.size()); }
  int64_t row_bytes() const { return packed_row_bytes(n_samples()); }
  const uint8_t* row(int64_t i) const { return packed.data() + i * row_bytes(); }
  uint8_t* row(int64_t i) { return packed.data() + i * row_bytes(); }
  // Appends a variant with a zeroed row; returns the row to fill.
  uint8_t* add_variant(int64_t global_index, VariantId v);
};

// Runs of consecutive global indices of `index` as (first position in
// `index`, length): the pieces an ordered output writes (ordered_pieces.hpp).
std::vector<std::pair<int64_t, int64_t>> index_runs(const std::vector<int64_t>& index);

// "chrom:pos:ref:alt", the ID given to variants that have none.
std::string synthetic_variant_id(const VariantId& v);

}  // namespace dvhpc
