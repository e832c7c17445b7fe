// Small CIGAR walks used by local realignment (BAM encoding: len << 4 | op).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dvhpc::assembly {

bool consumes_ref(uint32_t op);
// Reference end (exclusive) of an alignment starting at pos.
int64_t ref_end_of(int64_t pos, const uint32_t* cigar, size_t n);
uint32_t indel_bases(const uint32_t* cigar, size_t n);   // inserted + deleted
uint32_t clipped_bases(const uint32_t* cigar, size_t n); // soft-clipped
// Soft-clipped bases before the first / after the last aligned base (hard
// clips skipped).
int64_t leading_clip(const uint32_t* cigar, size_t n);
int64_t trailing_clip(const uint32_t* cigar, size_t n);
// Whether the read, as aligned, shows anything but reference bases over
// [vb, ve): a mismatch, an indel, or clipped bases that would lie there.
// `ref` holds the reference from ref_begin.
bool differs_from_ref(const uint8_t* bases, const uint32_t* cigar, size_t n, int64_t pos, const std::string& ref,
                      int64_t ref_begin, int64_t vb, int64_t ve);

}  // namespace dvhpc::assembly
