#include "src/plot/canvas.hpp"

#include <algorithm>
#include <cmath>

namespace dvhpc::plot {

Canvas::Canvas(int width, int height, Rgb background)
    : w_(std::max(width, 1)), h_(std::max(height, 1)),
      px_(static_cast<size_t>(w_) * static_cast<size_t>(h_) * 3) {
  for (size_t i = 0; i < px_.size(); i += 3) {
    px_[i] = background.r;
    px_[i + 1] = background.g;
    px_[i + 2] = background.b;
  }
  reset_clip();
}

void Canvas::set_clip(int x0, int y0, int x1, int y1) {
  cx0_ = std::clamp(x0, 0, w_);
  cy0_ = std::clamp(y0, 0, h_);
  cx1_ = std::clamp(x1, cx0_, w_);
  cy1_ = std::clamp(y1, cy0_, h_);
}

void Canvas::blend(int x, int y, Rgb c, float a) {
  if (x < cx0_ || x >= cx1_ || y < cy0_ || y >= cy1_ || !(a > 0.f)) return;
  uint8_t* p = &px_[(static_cast<size_t>(y) * static_cast<size_t>(w_) + static_cast<size_t>(x)) * 3];
  if (a >= 1.f) {
    p[0] = c.r, p[1] = c.g, p[2] = c.b;
    return;
  }
  auto mix = [a](uint8_t under, uint8_t over) {
    return static_cast<uint8_t>(std::lround(under + (over - under) * a));
  };
  p[0] = mix(p[0], c.r), p[1] = mix(p[1], c.g), p[2] = mix(p[2], c.b);
}

void Canvas::fill_rect(int x0, int y0, int x1, int y1, Rgb c) {
  x0 = std::max(x0, cx0_), y0 = std::max(y0, cy0_);
  x1 = std::min(x1, cx1_), y1 = std::min(y1, cy1_);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) blend(x, y, c, 1.f);
}

void Canvas::frame_rect(int x0, int y0, int x1, int y1, Rgb c) {
  fill_rect(x0, y0, x1, y0 + 1, c);
  fill_rect(x0, y1 - 1, x1, y1, c);
  fill_rect(x0, y0, x0 + 1, y1, c);
  fill_rect(x1 - 1, y0, x1, y1, c);
}

void Canvas::line(double x0, double y0, double x1, double y1, double width, Rgb c) {
  if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1)) return;
  const double half = width / 2;
  const double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  // Only the pixels near the segment: its bounding box, widened, clipped.
  const int bx0 = std::max(cx0_, static_cast<int>(std::floor(std::min(x0, x1) - half - 1)));
  const int bx1 = std::min(cx1_, static_cast<int>(std::ceil(std::max(x0, x1) + half + 1)));
  const int by0 = std::max(cy0_, static_cast<int>(std::floor(std::min(y0, y1) - half - 1)));
  const int by1 = std::min(cy1_, static_cast<int>(std::ceil(std::max(y0, y1) + half + 1)));
  for (int y = by0; y < by1; ++y) {
    for (int x = bx0; x < bx1; ++x) {
      const double px = x + 0.5 - x0, py = y + 0.5 - y0;
      const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
      const double d = std::hypot(px - t * dx, py - t * dy);
      blend(x, y, c, static_cast<float>(std::clamp(half + 0.5 - d, 0.0, 1.0)));
    }
  }
}

void Canvas::dashed_line(double x0, double y0, double x1, double y1, double width, double dash,
                         double gap, Rgb c) {
  const double len = std::hypot(x1 - x0, y1 - y0);
  if (!(len > 0) || !(dash > 0) || !(gap >= 0)) return;
  const double ux = (x1 - x0) / len, uy = (y1 - y0) / len;
  for (double s = 0; s < len; s += dash + gap) {
    const double e = std::min(len, s + dash);
    line(x0 + ux * s, y0 + uy * s, x0 + ux * e, y0 + uy * e, width, c);
  }
}

void Canvas::disc(double cx, double cy, double r, Rgb c) {
  if (!std::isfinite(cx) || !std::isfinite(cy) || !(r > 0)) return;
  const int bx0 = std::max(cx0_, static_cast<int>(std::floor(cx - r - 1)));
  const int bx1 = std::min(cx1_, static_cast<int>(std::ceil(cx + r + 1)));
  const int by0 = std::max(cy0_, static_cast<int>(std::floor(cy - r - 1)));
  const int by1 = std::min(cy1_, static_cast<int>(std::ceil(cy + r + 1)));
  for (int y = by0; y < by1; ++y) {
    for (int x = bx0; x < bx1; ++x) {
      const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
      blend(x, y, c, static_cast<float>(std::clamp(r + 0.5 - d, 0.0, 1.0)));
    }
  }
}

}  // namespace dvhpc::plot
