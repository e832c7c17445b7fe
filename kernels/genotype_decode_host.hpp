// Decoding one packed genotype row into floats on the host, with the widest
// vector instructions the CPU has (chosen once at run time, so one binary
// serves any x86-64): 16 genotypes per AVX-512 permute, 8 per AVX2 permute,
// else a scalar loop. Decoding is the only per-genotype work of a product
// besides the GEMM itself, so it must run at memory speed: the scalar
// loop costs as much as the GEMM (0.45 s per pass of 2e9 genotypes on 2 cores).
#pragma once

#include <cstdint>

namespace dvhpc::kernels {

// dst[j] = lut[code of sample j], j < n.
using DecodeRowFn = void (*)(const uint8_t* row, int64_t n, const float lut[4], float* dst);
DecodeRowFn host_decode_row();
// "avx512", "avx2" or "scalar": what host_decode_row() chose.
const char* host_decode_isa();

}  // namespace dvhpc::kernels
