// render() of include/dvhpc/plot.hpp: figure layout, axes, ticks, data and
// legend. Drawing primitives are in canvas.cpp, text in font.cpp, the PNG
// encoding and file writing in png_rgb.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "dvhpc/error.hpp"
#include "dvhpc/plot.hpp"
#include "src/plot/canvas.hpp"
#include "src/plot/font.hpp"

namespace dvhpc::plot {
namespace {

constexpr Rgb kPalette[] = {
    {0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28}, {0x94, 0x67, 0xbd},
    {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f}, {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf},
    {0x00, 0x00, 0x00}, {0xe6, 0xab, 0x02}, {0xae, 0xc7, 0xe8}, {0x98, 0xdf, 0x8a}};
constexpr Rgb kWhite{255, 255, 255}, kText{0x1a, 0x1a, 0x1a}, kAxis{0x40, 0x40, 0x40},
    kGrid{0xe8, 0xe8, 0xe8}, kDiagonal{0x90, 0x90, 0x90}, kLegendFrame{0xc8, 0xc8, 0xc8};
constexpr TextStyle kLabel{2, false}, kTitle{2, true}, kFigTitle{3, true};
constexpr int kTick = 5;          // tick mark length, px
constexpr int kTickGap = 4;       // between tick mark and its label
constexpr double kMarker = 2.5;   // radius of scatter markers
constexpr double kLineMarker = 3.0, kLineWidth = 2.0;

// One axis: range and ticks in plotted units (log10 of the value on a log axis).
struct Axis {
  bool log = false;
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  std::vector<std::string> labels;
};

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }
double to_axis(double v, bool log) { return log ? std::log10(v) : v; }

// Range of the plotted (usable) points of a panel along x or y, unpadded;
// false when there are none.
bool data_range(const Panel& p, bool along_x, double& lo, double& hi) {
  lo = HUGE_VAL, hi = -HUGE_VAL;
  for (const Series& s : p.series) {
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i) {
      if (!usable(s.x[i], p.log_x) || !usable(s.y[i], p.log_y)) continue;
      const double v = to_axis(along_x ? s.x[i] : s.y[i], along_x ? p.log_x : p.log_y);
      lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  return lo <= hi;
}

// Pads [lo, hi] by 5% a side; a degenerate range becomes a unit one around
// its value (wider for |value| > 5e8, where +-0.5 is below the resolution
// of a double), so that an all-equal panel still has an axis to draw.
void pad_range(double& lo, double& hi) {
  if (!(lo <= hi)) lo = 0, hi = 1;
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(lo))) {
    const double half = std::max(0.5, 1e-9 * std::abs(lo));
    lo -= half, hi += half;
  }
  // A range wider than the doubles can hold (1e308 and -1e308) is clamped.
  lo = std::max(lo, -1e307), hi = std::min(hi, 1e307);
  const double pad = 0.05 * (hi - lo);
  lo -= pad, hi += pad;
}

// Compact label of a tick value: fixed notation with the decimals the step
// needs, trailing zeros dropped ("0.05", "-0.1", "250"), or the shortest
// exponent notation that keeps the value for very large or small values.
std::string format_tick(double v, double step) {
  char buf[64];
  const double mag = std::abs(v);
  if (mag != 0 && (mag >= 1e5 || mag < 1e-4 || step < 1e-4)) {
    for (int p = 0; p <= 6; ++p) {
      std::snprintf(buf, sizeof buf, "%.*e", p, v);
      if (std::abs(std::strtod(buf, nullptr) - v) <= 1e-6 * step) break;
    }
    return buf;
  }
  const int dec = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  std::snprintf(buf, sizeof buf, "%.*f", std::min(dec, 12), v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

// Whether the tick labels fit along an axis of `length` px: neighbours are
// at least their mean extent plus a gap apart. `vertical` axes measure text
// height, horizontal ones text width.
bool labels_fit(const Axis& a, double length, bool vertical) {
  auto extent = [&](size_t i) {
    return vertical ? text_height(kLabel) : text_width(a.labels[i], kLabel);
  };
  const double px_per_unit = length / (a.hi - a.lo);
  for (size_t i = 1; i < a.ticks.size(); ++i)
    if ((a.ticks[i] - a.ticks[i - 1]) * px_per_unit < (extent(i - 1) + extent(i)) / 2.0 + 10) return false;
  return true;
}

// Linear ticks: the smallest step of 1, 2 or 5 x 10^k whose ticks are at
// least 40 px apart and whose labels fit.
void linear_ticks(Axis& a, double length, bool vertical) {
  const double span = a.hi - a.lo;
  double step = std::pow(10.0, std::floor(std::log10(span / 20)));
  for (int iter = 0; iter < 64; ++iter) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double s = step * m;
      if (span / s * 40 > length) continue;  // denser than one tick per 40 px
      a.ticks.clear(), a.labels.clear();
      // Tick k * s for integer k; counted with an int, as k + 1 == k for
      // the k of a tiny range far from 0 (labels_fit then rejects the step).
      const double k0 = std::ceil(a.lo / s - 1e-9), nk = std::floor(a.hi / s + 1e-9) - k0;
      if (!(nk >= 0 && nk <= 1000)) continue;
      for (int i = 0; i <= static_cast<int>(nk); ++i) {
        const double k = k0 + i, v = std::abs(k) < 0.5 ? 0.0 : k * s;
        a.ticks.push_back(v);
        a.labels.push_back(format_tick(v, s));
      }
      if (labels_fit(a, length, vertical)) return;
    }
    step *= 10;
  }
}

// Log ticks (values 10^t): every mantissa 1..9, then 1-2-5, then each
// decade, then every 2nd, 5th, 10th... decade, the first whose labels fit
// and that shows at least two ticks (or the last candidate).
void log_ticks(Axis& a, double length, bool vertical) {
  std::vector<std::vector<double>> mantissas = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 5}, {1}};
  const int e0 = static_cast<int>(std::floor(a.lo)), e1 = static_cast<int>(std::ceil(a.hi));
  for (int every : {1, 1, 1, 2, 3, 5, 10, 20, 50, 100}) {
    const std::vector<double> ms = mantissas.empty() ? std::vector<double>{1} : mantissas.front();
    if (!mantissas.empty()) mantissas.erase(mantissas.begin());
    a.ticks.clear(), a.labels.clear();
    for (int e = e0; e <= e1; ++e) {
      if (((e % every) + every) % every != 0) continue;
      for (double m : ms) {
        const double t = e + std::log10(m);
        if (t < a.lo - 1e-9 || t > a.hi + 1e-9) continue;
        const double v = m * std::pow(10.0, e);
        a.ticks.push_back(t);
        a.labels.push_back(format_tick(v, v < 1 ? v : 1));
      }
    }
    if (a.ticks.size() >= 2 && labels_fit(a, length, vertical)) return;
  }
  // Within one decade and between two mantissas (31..39): ticks of the
  // values, as on a linear axis, which this short stretch nearly is.
  if (a.hi - a.lo < 1) {
    Axis lin;
    lin.lo = std::pow(10.0, a.lo), lin.hi = std::pow(10.0, a.hi);
    linear_ticks(lin, length, vertical);
    a.ticks.clear(), a.labels.clear();
    for (size_t i = 0; i < lin.ticks.size(); ++i)
      if (lin.ticks[i] > 0) a.ticks.push_back(std::log10(lin.ticks[i])), a.labels.push_back(lin.labels[i]);
  }
}

// Colour index by label over the whole figure, in order of first appearance.
struct Colours {
  std::map<std::string, size_t> by_label;
  size_t next = 0;
  size_t of(const std::string& label) {
    if (label.empty()) return next++;
    auto [it, fresh] = by_label.emplace(label, next);
    if (fresh) ++next;
    return it->second;
  }
};

struct LegendEntry {
  std::string label;
  Rgb colour;
  bool line;
};

void draw_swatch(Canvas& c, int x, int cy, const LegendEntry& e) {
  if (e.line) {
    c.line(x + 2, cy + 0.5, x + 26, cy + 0.5, kLineWidth, e.colour);
    c.disc(x + 14, cy + 0.5, kLineMarker, e.colour);
  } else {
    c.disc(x + 14, cy + 0.5, 4.0, e.colour);
  }
}

void draw_panel(Canvas& c, const Panel& p, int ox, int oy, int w, int h, Colours& colours) {
  const int th = text_height(kLabel);
  const int top = p.title.empty() ? 16 : 24 + text_height(kTitle);  // as render's legend_top
  const int bottom = kTick + kTickGap + th + (p.xlabel.empty() ? 0 : 10 + th) + 12;
  const int y0 = oy + top, y1 = oy + h - bottom;  // plot box rows [y0, y1)

  Axis ax, ay;
  ax.log = p.log_x, ay.log = p.log_y;
  const bool has_x = data_range(p, true, ax.lo, ax.hi);
  const bool has_y = data_range(p, false, ay.lo, ay.hi);
  if (p.diagonal && p.log_x == p.log_y && has_x && has_y) {
    ax.lo = ay.lo = std::min(ax.lo, ay.lo);
    ax.hi = ay.hi = std::max(ax.hi, ay.hi);
  }
  pad_range(ax.lo, ax.hi);
  pad_range(ay.lo, ay.hi);
  (ay.log ? log_ticks : linear_ticks)(ay, y1 - y0 - 1, true);
  int ytw = 0;
  for (const std::string& s : ay.labels) ytw = std::max(ytw, text_width(s, kLabel));
  const int left = 12 + (p.ylabel.empty() ? 0 : th + 10) + ytw + kTickGap + kTick;
  // Plot box columns [x0, x1); the right margin grows when the last x tick
  // label would stick out of the panel (it would be cut at the figure edge).
  const int x0 = ox + left;
  int x1 = ox + w - 24;
  for (int pass = 0; pass < 2; ++pass) {
    (ax.log ? log_ticks : linear_ticks)(ax, x1 - x0 - 1, false);
    if (ax.ticks.empty()) break;
    const double last = x0 + (ax.ticks.back() - ax.lo) / (ax.hi - ax.lo) * (x1 - x0 - 1);
    const int over = static_cast<int>(last) + text_width(ax.labels.back(), kLabel) / 2 - (ox + w - 6);
    if (over <= 0) break;
    x1 -= over;
  }

  // Axis value -> pixel centre of the box (the frame lies on the range ends).
  auto px = [&](double t) { return x0 + 0.5 + (t - ax.lo) / (ax.hi - ax.lo) * (x1 - x0 - 1); };
  auto py = [&](double t) { return y1 - 0.5 - (t - ay.lo) / (ay.hi - ay.lo) * (y1 - y0 - 1); };

  for (double t : ax.ticks) {
    const int col = static_cast<int>(std::floor(px(t)));
    c.fill_rect(col, y0, col + 1, y1, kGrid);
    c.fill_rect(col, y1, col + 1, y1 + kTick, kAxis);
  }
  for (double t : ay.ticks) {
    const int row = static_cast<int>(std::floor(py(t)));
    c.fill_rect(x0, row, x1, row + 1, kGrid);
    c.fill_rect(x0 - kTick, row, x0, row + 1, kAxis);
  }

  c.set_clip(x0 + 1, y0 + 1, x1 - 1, y1 - 1);
  if (p.diagonal && p.log_x == p.log_y) {
    const double lo = std::max(ax.lo, ay.lo), hi = std::min(ax.hi, ay.hi);
    if (lo < hi) c.dashed_line(px(lo), py(lo), px(hi), py(hi), 1.5, 8, 5, kDiagonal);
  }
  for (const Series& s : p.series) {
    const Rgb col = palette_color(colours.of(s.label));
    const size_t n = std::min(s.x.size(), s.y.size());
    auto ok = [&](size_t i) { return usable(s.x[i], p.log_x) && usable(s.y[i], p.log_y); };
    auto at = [&](size_t i, double& X, double& Y) {
      X = px(to_axis(s.x[i], p.log_x)), Y = py(to_axis(s.y[i], p.log_y));
    };
    double X, Y, PX, PY;
    if (s.line)
      for (size_t i = 1; i < n; ++i)
        if (ok(i - 1) && ok(i)) {
          at(i - 1, PX, PY), at(i, X, Y);
          c.line(PX, PY, X, Y, kLineWidth, col);
        }
    for (size_t i = 0; i < n; ++i)
      if (ok(i)) at(i, X, Y), c.disc(X, Y, s.line ? kLineMarker : kMarker, col);
  }
  c.reset_clip();
  c.frame_rect(x0, y0, x1, y1, kAxis);

  const int cap = text_cap_height(kLabel);
  for (size_t i = 0; i < ax.ticks.size(); ++i) {
    const int tw = text_width(ax.labels[i], kLabel);
    draw_text(c, static_cast<int>(std::lround(px(ax.ticks[i]) - tw / 2.0)), y1 + kTick + kTickGap,
              ax.labels[i], kText, kLabel);
  }
  for (size_t i = 0; i < ay.ticks.size(); ++i) {
    const int tw = text_width(ay.labels[i], kLabel);
    draw_text(c, x0 - kTick - kTickGap - tw, static_cast<int>(std::lround(py(ay.ticks[i]) - cap / 2.0)),
              ay.labels[i], kText, kLabel);
  }
  const int cx = (x0 + x1) / 2;
  if (!p.title.empty())
    draw_text(c, cx - text_width(p.title, kTitle) / 2, oy + 12, p.title, kText, kTitle);
  if (!p.xlabel.empty())
    draw_text(c, cx - text_width(p.xlabel, kLabel) / 2, y1 + kTick + kTickGap + th + 10, p.xlabel, kText,
              kLabel);
  if (!p.ylabel.empty())
    draw_text(c, ox + 12, (y0 + y1) / 2 - text_width(p.ylabel, kLabel) / 2, p.ylabel, kText, kLabel, true);
}

// The labelled series of the figure, one entry per label, first appearance
// first; the swatch is a line when the first series of that label is.
std::vector<LegendEntry> legend_entries(const Figure& fig) {
  Colours colours;
  std::vector<LegendEntry> out;
  std::map<std::string, bool> seen;
  for (const Panel& p : fig.panels)
    for (const Series& s : p.series) {
      const size_t ci = colours.of(s.label);
      if (!s.label.empty() && seen.emplace(s.label, true).second)
        out.push_back({s.label, palette_color(ci), s.line});
    }
  return out;
}

constexpr int kRowH = 26, kSwatchW = 28, kLegendPad = 12;

}  // namespace

size_t palette_size() { return sizeof kPalette / sizeof kPalette[0]; }
Rgb palette_color(size_t i) { return kPalette[i % palette_size()]; }

Image render(const Figure& fig) {
  if (fig.panels.empty()) throw Error(ErrorKind::Config, "plot: a figure needs at least one panel");
  if (fig.panel_width < 200 || fig.panel_height < 160 || fig.panel_width > 8000 || fig.panel_height > 8000 ||
      fig.panels.size() > 64)
    throw Error(ErrorKind::Config, "plot: panels must be 200..8000 x 160..8000 px and at most 64 (got " +
                                       std::to_string(fig.panels.size()) + " of " +
                                       std::to_string(fig.panel_width) + " x " +
                                       std::to_string(fig.panel_height) + ")");
  const int title_h = fig.title.empty() ? 0 : text_height(kFigTitle) + 24;
  const int pw = fig.panel_width, ph = fig.panel_height, np = static_cast<int>(fig.panels.size());

  // Legend column: as many rows per column as fit beside the plot boxes.
  const std::vector<LegendEntry> legend = legend_entries(fig);
  int label_w = 0;
  for (const LegendEntry& e : legend) label_w = std::max(label_w, text_width(e.label, kLabel));
  const int item_w = kSwatchW + 8 + label_w, col_gap = 16;
  // Top aligned with the plot boxes (draw_panel's top margin).
  const int legend_top = title_h + (fig.panels[0].title.empty() ? 16 : 24 + text_height(kTitle));
  const int rows_fit = std::max(1, (ph - (legend_top - title_h) - 2 * kLegendPad - 16) / kRowH);
  const int n = static_cast<int>(legend.size());
  const int ncols = n ? (n + rows_fit - 1) / rows_fit : 0, nrows = n ? (n + ncols - 1) / ncols : 0;
  const int box_w = ncols * item_w + (ncols - 1) * col_gap + 2 * kLegendPad;
  const int legend_w = n ? box_w + 16 : 0;  // box and a right margin

  Canvas c(np * pw + legend_w, title_h + ph, kWhite);
  if (title_h)
    draw_text(c, (np * pw + legend_w - text_width(fig.title, kFigTitle)) / 2, 14, fig.title, kText, kFigTitle);
  Colours colours;
  for (int i = 0; i < np; ++i) draw_panel(c, fig.panels[static_cast<size_t>(i)], i * pw, title_h, pw, ph, colours);

  if (n) {
    const int lx = np * pw;
    c.frame_rect(lx, legend_top, lx + box_w, legend_top + nrows * kRowH + 2 * kLegendPad - 6, kLegendFrame);
    for (int i = 0; i < n; ++i) {
      const int x = lx + kLegendPad + (i / nrows) * (item_w + col_gap);
      const int y = legend_top + kLegendPad + (i % nrows) * kRowH;
      const LegendEntry& e = legend[static_cast<size_t>(i)];
      draw_swatch(c, x, y + text_cap_height(kLabel) / 2, e);
      draw_text(c, x + kSwatchW + 8, y, e.label, kText, kLabel);
    }
  }
  Image img;
  img.width = c.width(), img.height = c.height();
  img.rgb = c.take_rgb();
  return img;
}

}  // namespace dvhpc::plot
