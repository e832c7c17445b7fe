// The built-in pixel font of the plots: printable ASCII (32..126) drawn on a
// 5 x 9 cell (7 rows above the baseline, 2 for descenders), proportional:
// each glyph is as wide as its ink, except the digits, which all are 5 wide
// so that columns of tick labels line up.
//
// Why a pixel font: a figure must come out the same on every node, with no
// font files or FreeType to find. At scale 1 text is 7 px high, too small to
// read comfortably, so labels are drawn at scale 2; plain pixel doubling
// makes diagonals staircase, so glyphs are first smoothed (EPX / Scale2x,
// twice, to 4x) and then box-filtered down to the scale, which rounds the
// strokes and anti-aliases the edges.
#pragma once

#include <string>

#include "dvhpc/plot.hpp"

namespace dvhpc::plot {

class Canvas;

struct TextStyle {
  int scale = 2;      // pixels per font pixel
  bool bold = false;  // strokes widened to the right (one font pixel at scale 1, half a one above)
};

// The box a line of text occupies, in pixels (no trailing spacing).
int text_width(const std::string& s, const TextStyle& st);
inline int text_height(const TextStyle& st) { return 9 * st.scale; }  // cell incl. descenders
inline int text_cap_height(const TextStyle& st) { return 7 * st.scale; }  // baseline from top

// Draws text whose box has its top-left corner at (x, y). `vertical`: the
// box is rotated 90 degrees counter-clockwise (text reads bottom to top, as
// a y-axis label), so it is text_height wide and text_width tall, and (x, y)
// is still its top-left corner.
void draw_text(Canvas& c, int x, int y, const std::string& s, Rgb color, const TextStyle& st,
               bool vertical = false);

}  // namespace dvhpc::plot
