#include "kernels/genotype_decode_host.hpp"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace dvhpc::kernels {
namespace {

void decode_scalar(const uint8_t* row, int64_t n, const float lut[4], float* dst) {
  const int64_t full = n >> 2;
  for (int64_t b = 0; b < full; ++b) {
    const unsigned byte = row[b];
    dst[4 * b + 0] = lut[byte & 3];
    dst[4 * b + 1] = lut[(byte >> 2) & 3];
    dst[4 * b + 2] = lut[(byte >> 4) & 3];
    dst[4 * b + 3] = lut[(byte >> 6) & 3];
  }
  for (int64_t j = full * 4; j < n; ++j) dst[j] = lut[(row[j >> 2] >> ((j & 3) * 2)) & 3];
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void decode_avx2(const uint8_t* row, int64_t n, const float lut[4], float* dst) {
  const __m256 table = _mm256_setr_ps(lut[0], lut[1], lut[2], lut[3], 0, 0, 0, 0);
  const __m256i shifts = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
  const __m256i three = _mm256_set1_epi32(3);
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    uint16_t w;
    std::memcpy(&w, row + (j >> 2), 2);
    const __m256i idx = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(w), shifts), three);
    _mm256_storeu_ps(dst + j, _mm256_permutevar8x32_ps(table, idx));
  }
  for (; j < n; ++j) dst[j] = lut[(row[j >> 2] >> ((j & 3) * 2)) & 3];
}

// GCC 12 warns "'__Y' may be used uninitialized" inside avx512fintrin.h:
// the header's own _mm512_undefined_* idiom (`__m512i __Y = __Y;`), the
// pass-through operand of an unmasked intrinsic, which is never read.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f"))) void decode_avx512(const uint8_t* row, int64_t n, const float lut[4], float* dst) {
  const __m512 table = _mm512_setr_ps(lut[0], lut[1], lut[2], lut[3], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m512i shifts = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i three = _mm512_set1_epi32(3);
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    uint32_t w;
    std::memcpy(&w, row + (j >> 2), 4);
    const __m512i idx = _mm512_and_si512(_mm512_srlv_epi32(_mm512_set1_epi32(static_cast<int>(w)), shifts), three);
    _mm512_storeu_ps(dst + j, _mm512_permutexvar_ps(idx, table));
  }
  for (; j < n; ++j) dst[j] = lut[(row[j >> 2] >> ((j & 3) * 2)) & 3];
}
#pragma GCC diagnostic pop
#endif

struct Choice {
  DecodeRowFn fn;
  const char* isa;
};

Choice choose() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {decode_avx512, "avx512"};
  if (__builtin_cpu_supports("avx2")) return {decode_avx2, "avx2"};
#endif
  return {decode_scalar, "scalar"};
}

const Choice& choice() {
  static const Choice c = choose();
  return c;
}

}  // namespace

DecodeRowFn host_decode_row() { return choice().fn; }
const char* host_decode_isa() { return choice().isa; }

}  // namespace dvhpc::kernels
