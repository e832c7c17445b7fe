// BAM CIGAR operation codes (htslib's BAM_CMATCH ...), for the kernels and
// everything above them, without an htslib header (kernels compile for GPUs)
// and without a kernel functor header (host code such as the assembler needs
// the codes, not the functors).
#pragma once

#include <cstdint>
#include <vector>

#if defined(__CUDACC__)
#define DVHPC_HOST_DEVICE __host__ __device__ inline
#else
#define DVHPC_HOST_DEVICE inline
#endif

namespace dvhpc::cigar {

enum : uint32_t { kOpM = 0, kOpI = 1, kOpD = 2, kOpN = 3, kOpS = 4, kOpH = 5, kOpP = 6, kOpEq = 7, kOpX = 8 };

// M, = and X advance both the read and the reference.
DVHPC_HOST_DEVICE bool consumes_both(uint32_t op) { return op == kOpM || op == kOpEq || op == kOpX; }
// M, =, X, I and S advance the read.
DVHPC_HOST_DEVICE bool consumes_query(uint32_t op) { return consumes_both(op) || op == kOpI || op == kOpS; }

// Appends `len` of `op` to a packed CIGAR (len << 4 | op), merging with the
// last op when it is the same (host code: the assembler builds CIGARs).
inline void push_op(std::vector<uint32_t>& cigar, uint32_t op, uint32_t len) {
  if (len == 0) return;
  if (!cigar.empty() && (cigar.back() & 0xf) == op)
    cigar.back() += len << 4;
  else
    cigar.push_back(len << 4 | op);
}

}  // namespace dvhpc::cigar
