// encode_png_rgb and write_png of include/dvhpc/plot.hpp. Unlike the
// pileup writer (src/make_examples/png.cpp, stored deflate blocks), figures
// are deflated with zlib: a plot is mostly flat colour, so a 1.4-MB RGB
// raster becomes tens of kB.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <zlib.h>

#include "dvhpc/error.hpp"
#include "dvhpc/plot.hpp"
#include "dvhpc/png.hpp"

namespace dvhpc::plot {
namespace {

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

void chunk(std::vector<uint8_t>& out, const char* type, const uint8_t* data, size_t n) {
  put32(out, static_cast<uint32_t>(n));
  const size_t at = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data, data + n);
  put32(out, png_crc32(out.data() + at, out.size() - at));
}

}  // namespace

std::vector<uint8_t> encode_png_rgb(const uint8_t* rgb, int width, int height) {
  if (width <= 0 || height <= 0 || (rgb == nullptr))
    throw Error(ErrorKind::Internal, "encode_png_rgb: empty image (" + std::to_string(width) + " x " +
                                         std::to_string(height) + ")");
  const size_t row = static_cast<size_t>(width) * 3;
  // Each row is filtered with None (0) or Sub (1, byte minus the byte of the
  // pixel to its left), whichever has the smaller sum of |signed bytes|, the
  // PNG specification's heuristic: Sub turns flat runs into zeros.
  std::vector<uint8_t> raw(static_cast<size_t>(height) * (row + 1));
  std::vector<uint8_t> sub(row);
  for (int y = 0; y < height; ++y) {
    const uint8_t* src = rgb + static_cast<size_t>(y) * row;
    uint64_t cost_none = 0, cost_sub = 0;
    for (size_t i = 0; i < row; ++i) {
      sub[i] = static_cast<uint8_t>(src[i] - (i >= 3 ? src[i - 3] : 0));
      cost_none += static_cast<uint64_t>(std::abs(static_cast<int8_t>(src[i])));
      cost_sub += static_cast<uint64_t>(std::abs(static_cast<int8_t>(sub[i])));
    }
    uint8_t* dst = &raw[static_cast<size_t>(y) * (row + 1)];
    const bool use_sub = cost_sub < cost_none;
    dst[0] = use_sub ? 1 : 0;
    std::memcpy(dst + 1, use_sub ? sub.data() : src, row);
  }

  uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
  std::vector<uint8_t> z(zlen);
  const int rc = compress2(z.data(), &zlen, raw.data(), static_cast<uLong>(raw.size()), 6);
  if (rc != Z_OK)
    throw Error(ErrorKind::Library, "zlib compress2 failed (" + std::to_string(rc) + ") on a " +
                                        std::to_string(width) + " x " + std::to_string(height) + " image");
  z.resize(zlen);

  std::vector<uint8_t> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<uint8_t> ihdr;
  put32(ihdr, static_cast<uint32_t>(width));
  put32(ihdr, static_cast<uint32_t>(height));
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit, RGB, deflate, adaptive filters, no interlace
  chunk(png, "IHDR", ihdr.data(), ihdr.size());
  // One IDAT; a chunk holds up to 2^31 - 1 bytes, far above any figure.
  chunk(png, "IDAT", z.data(), z.size());
  chunk(png, "IEND", nullptr, 0);
  return png;
}

void write_png(const std::string& path, const Figure& fig) {
  const Image img = render(fig);
  const std::vector<uint8_t> png = encode_png_rgb(img.rgb.data(), img.width, img.height);
  const std::string tmp = path + ".tmp-" + std::to_string(static_cast<long>(getpid()));
  auto fail = [&](const char* what) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw Error(ErrorKind::Output, "cannot write plot " + path + ": " + what + " " + tmp + ": " + why);
  };
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) fail("cannot create");
  const bool wrote = std::fwrite(png.data(), 1, png.size(), f) == png.size();
  if (std::fclose(f) != 0 || !wrote) fail("cannot write");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename");
}

}  // namespace dvhpc::plot
