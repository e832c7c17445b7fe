// An RGB raster with the few drawing primitives the plots need: rectangles,
// anti-aliased lines and discs, all clipped to a rectangle. Module-private
// (src/plot/); the public face of the module is include/dvhpc/plot.hpp.
//
// Coordinates: pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is
// (i + 0.5, j + 0.5); y grows downwards. The anti-aliased primitives take
// continuous coordinates and give each pixel the fraction of it they cover
// (approximated from the distance of its centre to the shape's edge), which
// is what keeps a 2.5-px marker round instead of a 5x5 square.
#pragma once

#include <cstdint>
#include <vector>

#include "dvhpc/plot.hpp"

namespace dvhpc::plot {

class Canvas {
 public:
  Canvas(int width, int height, Rgb background);

  int width() const { return w_; }
  int height() const { return h_; }
  const std::vector<uint8_t>& rgb() const { return px_; }
  std::vector<uint8_t> take_rgb() { return std::move(px_); }

  // Drawing outside [x0, x1) x [y0, y1) is dropped (plots clip their data to
  // the axes box, so a marker on the edge does not paint over tick labels).
  void set_clip(int x0, int y0, int x1, int y1);
  void reset_clip() { set_clip(0, 0, w_, h_); }

  // Mixes colour c into pixel (x, y) with opacity a in [0, 1].
  void blend(int x, int y, Rgb c, float a);
  // Opaque [x0, x1) x [y0, y1): axes, ticks and swatches are pixel-aligned
  // and stay crisp this way.
  void fill_rect(int x0, int y0, int x1, int y1, Rgb c);
  // Outline of [x0, x1) x [y0, y1), 1 px wide, inside the rectangle.
  void frame_rect(int x0, int y0, int x1, int y1, Rgb c);
  // Segment of the given width with round caps.
  void line(double x0, double y0, double x1, double y1, double width, Rgb c);
  // Dashed segment: `dash` px on, `gap` px off, starting with a dash.
  void dashed_line(double x0, double y0, double x1, double y1, double width, double dash, double gap,
                   Rgb c);
  // Filled circle of radius r centred at (cx, cy).
  void disc(double cx, double cy, double r, Rgb c);

 private:
  int w_, h_;
  int cx0_ = 0, cy0_ = 0, cx1_ = 0, cy1_ = 0;  // clip rectangle
  std::vector<uint8_t> px_;
};

}  // namespace dvhpc::plot
