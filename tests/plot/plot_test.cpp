#include <doctest/doctest.h>

#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "dvhpc/error.hpp"
#include "dvhpc/plot.hpp"
#include "dvhpc/png.hpp"
#include "test_util.hpp"

using namespace dvhpc;
using namespace dvhpc::plot;

namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// An independent PNG reader for what encode_png_rgb writes: checks the
// signature, every chunk's CRC and the IHDR, inflates the IDAT stream with
// zlib and undoes the None/Sub row filters.
Image decode_png_rgb(const std::vector<uint8_t>& png) {
  Image img;
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  REQUIRE(png.size() > 8 + 25 + 12);
  REQUIRE(std::equal(sig, sig + 8, png.begin()));
  std::vector<uint8_t> idat;
  std::vector<std::string> types;
  for (size_t at = 8; at < png.size();) {
    REQUIRE(at + 12 <= png.size());
    const uint32_t len = be32(&png[at]);
    REQUIRE(at + 12 + len <= png.size());
    const std::string type(reinterpret_cast<const char*>(&png[at + 4]), 4);
    const uint8_t* data = &png[at + 8];
    CHECK(png_crc32(&png[at + 4], len + 4) == be32(data + len));
    if (type == "IHDR") {
      REQUIRE(len == 13);
      img.width = static_cast<int>(be32(data));
      img.height = static_cast<int>(be32(data + 4));
      CHECK(data[8] == 8);   // bit depth
      CHECK(data[9] == 2);   // colour type RGB
      CHECK(data[10] == 0);  // deflate
      CHECK(data[11] == 0);  // adaptive filtering
      CHECK(data[12] == 0);  // no interlace
    } else if (type == "IDAT") {
      idat.insert(idat.end(), data, data + len);
    }
    types.push_back(type);
    at += 12 + len;
  }
  REQUIRE(types.size() >= 3);
  CHECK(types.front() == "IHDR");
  CHECK(types.back() == "IEND");
  REQUIRE(img.width > 0);
  REQUIRE(img.height > 0);

  const size_t row = static_cast<size_t>(img.width) * 3;
  std::vector<uint8_t> raw(static_cast<size_t>(img.height) * (row + 1));
  uLongf n = static_cast<uLongf>(raw.size());
  REQUIRE(uncompress(raw.data(), &n, idat.data(), static_cast<uLong>(idat.size())) == Z_OK);
  REQUIRE(n == raw.size());
  img.rgb.resize(static_cast<size_t>(img.height) * row);
  for (int y = 0; y < img.height; ++y) {
    const uint8_t* src = &raw[static_cast<size_t>(y) * (row + 1)];
    uint8_t* dst = &img.rgb[static_cast<size_t>(y) * row];
    REQUIRE(src[0] <= 1);  // None or Sub
    for (size_t i = 0; i < row; ++i)
      dst[i] = static_cast<uint8_t>(src[1 + i] + (src[0] == 1 && i >= 3 ? dst[i - 3] : 0));
  }
  return img;
}

Rgb pixel(const Image& img, int x, int y) {
  const size_t i = static_cast<size_t>(y) * static_cast<size_t>(img.width) + static_cast<size_t>(x);
  const uint8_t* p = &img.rgb[i * 3];
  return {p[0], p[1], p[2]};
}

// Pixels of exactly colour c in [x0, x1) x [y0, y1).
int count_colour(const Image& img, Rgb c, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) n += pixel(img, x, y) == c;
  return n;
}

Series cloud(const std::string& label, double cx, double cy) {
  Series s{label, {}, {}};
  for (int i = 0; i < 50; ++i) {
    s.x.push_back(cx + 0.1 * std::cos(i * 0.7) * (i % 5) / 4);
    s.y.push_back(cy + 0.1 * std::sin(i * 0.7) * (i % 5) / 4);
  }
  return s;
}

}  // namespace

TEST_CASE("plot encode_png_rgb writes a valid PNG that inflates back to the pixels") {
  const int w = 37, h = 23;
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
  uint32_t state = 12345;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < 3; ++k) {
        state = state * 1664525u + 1013904223u;
        // Flat rows (Sub filter wins), gradients and noise (None may win).
        const uint8_t v = y < 8 ? static_cast<uint8_t>(40 * k) : y < 16 ? static_cast<uint8_t>(7 * x + 3 * y + k)
                                                                       : static_cast<uint8_t>(state >> 24);
        rgb[(static_cast<size_t>(y) * w + x) * 3 + k] = v;
      }
  const std::vector<uint8_t> png = encode_png_rgb(rgb.data(), w, h);
  const Image back = decode_png_rgb(png);
  CHECK(back.width == w);
  CHECK(back.height == h);
  CHECK(back.rgb == rgb);
  CHECK(encode_png_rgb(rgb.data(), w, h) == png);  // deterministic

  // Flat colour compresses (real deflate, not stored blocks).
  std::vector<uint8_t> flat(static_cast<size_t>(400) * 300 * 3, 255);
  CHECK(encode_png_rgb(flat.data(), 400, 300).size() < 5000);
  CHECK_THROWS_AS(encode_png_rgb(rgb.data(), 0, h), Error);
}

TEST_CASE("plot write_png draws each series in its corner with the same colour in every panel") {
  test::TempDir dir;
  const std::string path = dir.file("fig.png");
  Figure fig;
  fig.title = "two clouds";
  Panel a, b;
  a.title = "A low-left";
  a.xlabel = b.xlabel = "x";
  a.ylabel = b.ylabel = "y";
  a.series = {cloud("A", 0, 0), cloud("B", 1, 1)};
  b.title = "A up-right";
  b.series = {cloud("B", 0, 0), cloud("A", 1, 1)};  // swapped corners, same labels
  fig.panels = {a, b};

  dir.write("fig.png", "old contents");  // replaced by the figure
  write_png(path, fig);
  const std::string bytes = test::slurp(path);
  const Image img = decode_png_rgb(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  const Image direct = render(fig);
  CHECK(img.width == direct.width);
  CHECK(img.height == direct.height);
  CHECK(img.rgb == direct.rgb);
  CHECK(render(fig).rgb == direct.rgb);  // deterministic

  const int pw = fig.panel_width, ph = fig.panel_height;
  CHECK(img.width > 2 * pw);  // panels plus the legend column
  const int top = img.height - ph;  // title band
  CHECK(top > 0);
  const Rgb white{255, 255, 255}, ca = palette_color(0), cb = palette_color(1);
  CHECK_FALSE(ca == cb);
  CHECK(pixel(img, 0, 0) == white);
  CHECK(pixel(img, img.width - 1, img.height - 1) == white);
  CHECK(count_colour(img, white, 0, 0, img.width, img.height) > img.width * img.height * 3 / 4);

  // Quadrants of panel p: left/right and upper/lower halves.
  auto quad = [&](Rgb c, int p, bool right, bool upper) {
    const int x0 = p * pw + (right ? pw / 2 : 0), y0 = top + (upper ? 0 : ph / 2);
    return count_colour(img, c, x0, y0, x0 + pw / 2, y0 + ph / 2);
  };
  CHECK(quad(ca, 0, false, false) > 50);
  CHECK(quad(cb, 0, true, true) > 50);
  CHECK(quad(ca, 1, true, true) > 50);
  CHECK(quad(cb, 1, false, false) > 50);
  for (int p = 0; p < 2; ++p)
    for (bool right : {false, true})
      for (bool upper : {false, true}) {
        const bool a_here = (p == 0) ? (!right && !upper) : (right && upper);
        const bool b_here = (p == 0) ? (right && upper) : (!right && !upper);
        if (!a_here) CHECK(quad(ca, p, right, upper) == 0);
        if (!b_here) CHECK(quad(cb, p, right, upper) == 0);
      }
  // The legend at the right edge shows both colours.
  CHECK(count_colour(img, ca, 2 * pw, 0, img.width, img.height) > 0);
  CHECK(count_colour(img, cb, 2 * pw, 0, img.width, img.height) > 0);

  // Replaced atomically: no temporary file left next to it.
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("plot write_png failure names the path") {
  Figure fig;
  fig.panels.resize(1);
  const std::string path = "/nonexistent-dir-dvhpc/sub/fig.png";
  try {
    write_png(path, fig);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Output);
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
  CHECK_THROWS_AS(render(Figure{}), Error);  // no panels
}

TEST_CASE("plot skips non-finite values and survives empty or all-equal panels") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  Figure fig;
  Panel p_nan, p_equal, p_empty, p_log;
  p_nan.series = {{"n", {1, nan, 3, inf, 5}, {2, 4, nan, 1, -inf}, true}, {"only nan", {nan}, {nan}}};
  p_equal.series = {{"e", {5, 5, 5}, {0.25, 0.25, 0.25}}};
  p_equal.diagonal = true;
  p_empty.series = {{"", {}, {}}};
  p_log.log_x = p_log.log_y = true;
  p_log.series = {{"l", {0, -1, 1, 2, 4, 8}, {1, 1, 100, 50, 25, 12}, true}};  // <= 0 skipped on log axes
  Panel p_extreme;  // no tick loop may hang on ranges at the limits of double
  p_extreme.series = {{"big equal", {1e20, 1e20}, {-1e20, -1e20}}, {"huge", {-1e308, 1e308}, {1e-300, 2e-300}}};
  fig.panels = {p_nan, p_equal, p_empty, p_log, p_extreme, Panel{}};
  Image img;
  CHECK_NOTHROW(img = render(fig));
  CHECK(img.height == fig.panel_height);
  CHECK(img.width > 6 * fig.panel_width);
  CHECK(count_colour(img, palette_color(0), 0, 0, fig.panel_width, img.height) > 0);  // finite points drawn
  test::TempDir dir;
  CHECK_NOTHROW(write_png(dir.file("odd.png"), fig));
}

TEST_CASE("plot renders 20000 markers quickly") {
  Figure fig;
  fig.panels.resize(1);
  for (int s = 0; s < 4; ++s) {
    Series ser{"s" + std::to_string(s), {}, {}};
    for (int i = 0; i < 5000; ++i) {
      ser.x.push_back(std::sin(i * 0.37 + s));
      ser.y.push_back(std::cos(i * 0.11) * (s + 1));
    }
    fig.panels[0].series.push_back(ser);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const Image img = render(fig);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(img.width > 0);
  CHECK(secs < 1.0);  // ~10 ms in a Release build; loose for Debug builds and busy machines
}
