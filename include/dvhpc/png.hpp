// Minimal PNG writer for looking at pileup images: 8-bit grayscale, zlib
// stream of stored (uncompressed) deflate blocks, so no zlib is needed; a
// 221 x 700 panel strip is ~150 kB.
//
//   write_pileup_png("ex.png", image, 100, 221, 6);
//   -> one grayscale panel per channel, left to right, 4-px black gaps:
//      [ base | base q | mapq | strand | supports alt | differs ref ]
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc {

// The PNG file bytes of a width x height 8-bit grayscale image (row-major).
std::vector<uint8_t> encode_png_gray(const uint8_t* pixels, int width, int height);

// CRC-32 of PNG chunks (ISO 3309, as zlib's crc32).
uint32_t png_crc32(const uint8_t* data, size_t n, uint32_t crc = 0);

// Writes one pileup image uint8 [H, W, C] as C panels side by side.
// Throws Error(Output) naming the path when it cannot be written.
void write_pileup_png(const std::string& path, const uint8_t* image, int height, int width, int channels);

}  // namespace dvhpc
