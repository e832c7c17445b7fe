// Scatter and line plots written as RGB PNG files, without a plotting
// library: dvhpc runs on cluster nodes where matplotlib/gnuplot may be
// missing, and its figures (PCA of genotypes, observed vs predicted, strong
// and weak scaling) are simple enough to draw directly.
//
//   plot::Figure fig;
//   fig.title = "PCA of HapMap genotypes";
//   plot::Panel& p = fig.panels.emplace_back();
//   p.title = "PC1 vs PC2"; p.xlabel = "PC1"; p.ylabel = "PC2";
//   for (const auto& [pop, idx] : by_population)
//     p.series.push_back({pop, pc1_of(idx), pc2_of(idx)});
//   plot::write_png("pca.png", fig);
//
// What the renderer does for you, so every caller's figure looks the same:
//  - axis ranges from the finite data with 5% padding; "nice" ticks (steps of
//    1, 2 or 5 x 10^k; on log axes 1..9, 1-2-5 or 1 x 10^k, or every n-th
//    decade), spaced so their labels never overlap, with light grid lines;
//  - colours by label over the whole figure: the same label has the same
//    colour in every panel, so one legend (at the right edge of the figure,
//    in columns when it is taller than the panels) serves all panels and
//    never hides data;
//  - NaN/inf (and, on a log axis, values <= 0) are skipped, not plotted at a
//    wrong place; an empty panel or one whose values are all equal gets a
//    unit range around the value instead of a zero-width axis;
//  - the output is deterministic: the same figure gives the same bytes.
// Text uses a built-in 5x7 pixel font (printable ASCII; other bytes are
// drawn as '?'), smoothed and anti-aliased when drawn at scale 2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc::plot {

// One labelled set of points, drawn as filled circles, or as a polyline
// through the points in the given order (with small markers) when `line`.
// Points whose x or y is not finite are skipped; a line is broken there.
struct Series {
  std::string label;  // legend entry and colour key; "" = no legend entry, own colour
  std::vector<double> x, y;  // same length; extra values of the longer one are ignored
  bool line = false;
};

struct Panel {
  std::string title, xlabel, ylabel;
  std::vector<Series> series;
  // Draws the y = x reference line (observed vs predicted) and gives both
  // axes the same range, so that the line is the diagonal of the box.
  bool diagonal = false;
  // log10 axes, for scaling plots over ranks 1, 2, 4, 8, ...
  bool log_x = false, log_y = false;
};

struct Figure {
  std::vector<Panel> panels;  // laid out left to right in one row
  int panel_width = 640, panel_height = 560;  // pixels per panel, at least 200 x 160
  std::string title;  // optional, centred above the panels
};

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
};

// The qualitative palette, Tableau 10 followed by black, gold, light blue and
// light green (14 colours). The i-th distinct label of a figure (in panel,
// then series order; each unlabelled series counts as a new label) gets
// palette_color(i), which wraps around after 14.
Rgb palette_color(size_t i);
size_t palette_size();

// A rendered figure: width x height pixels, row-major, 3 bytes per pixel.
struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
};

// Draws the figure. The width is panels x panel_width plus the legend column
// when some series has a label; the height is panel_height plus the title
// band when there is a title. Throws Error(Config) for a figure without
// panels, more than 64 panels, or panels outside 200..8000 x 160..8000 px.
Image render(const Figure& fig);

// The PNG file bytes of an 8-bit RGB image (colour type 2), rows filtered
// with None or Sub (whichever is smaller) and zlib-compressed. Throws
// Error(Internal) for an empty image.
std::vector<uint8_t> encode_png_rgb(const uint8_t* rgb, int width, int height);

// Renders the figure and writes it as a PNG to `path`, through
// `path`.tmp-<pid> renamed over `path`, so a reader never sees half a file
// and an existing file is replaced only by a complete one. Throws
// Error(Output) naming the path when it cannot be written.
void write_png(const std::string& path, const Figure& fig);

}  // namespace dvhpc::plot
