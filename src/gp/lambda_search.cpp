#include "lambda_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dvhpc::gp {

namespace {

// Brent's method on [a, b] around x (f(x) = fx, the lowest value seen), to an
// absolute tolerance `tol` in t (Numerical Recipes' `brent`, without
// derivatives). Adds its evaluations to r and leaves the minimum in r.
void brent(const std::function<double(double)>& f, double a, double b, double x, double fx, double tol,
           SearchResult& r) {
  constexpr double kGold = 0.3819660112501051;  // (3 - sqrt 5) / 2
  double w = x, v = x, fw = fx, fv = fx, d = 0, e = 0;
  for (int it = 0; it < 100; ++it) {
    const double m = 0.5 * (a + b), tol1 = tol * 0.5 + 1e-12 * std::abs(x), tol2 = 2 * tol1;
    if (std::abs(x - m) <= tol2 - 0.5 * (b - a)) break;
    bool golden = true;
    if (std::abs(e) > tol1) {
      // Parabola through (x, fx), (w, fw), (v, fv).
      double q = (x - w) * (fx - fv), p = (x - v) * (fx - fw);
      p = (x - v) * p - (x - w) * q;
      q = 2 * ((x - v) * (fx - fw) - q);
      if (q > 0) p = -p;
      q = std::abs(q);
      const double e_old = e;
      if (std::abs(p) < std::abs(0.5 * q * e_old) && p > q * (a - x) && p < q * (b - x)) {
        e = d;
        d = p / q;
        const double u = x + d;
        if (u - a < tol2 || b - u < tol2) d = m > x ? tol1 : -tol1;
        golden = false;
      }
    }
    if (golden) {
      e = (x >= m ? a : b) - x;
      d = kGold * e;
    }
    const double u = std::abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const double fu = f(u);
    ++r.evaluations;
    if (fu <= fx) {
      (u >= x ? a : b) = x;
      v = w, fv = fw, w = x, fw = fx, x = u, fx = fu;
    } else {
      (u < x ? a : b) = u;
      if (fu <= fw || w == x) {
        v = w, fv = fw, w = u, fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u, fv = fu;
      }
    }
  }
  r.t = x;
  r.value = fx;
}

}  // namespace

SearchResult minimize_log_lambda(const std::function<double(double)>& f, double lo, double hi, int points,
                                 double tol) {
  points = std::max(points, 3);
  const double step = (hi - lo) / (points - 1);
  SearchResult r;
  int best = 0;
  r.value = std::numeric_limits<double>::infinity();
  for (int i = 0; i < points; ++i) {
    const double v = f(lo + i * step);
    ++r.evaluations;
    if (v < r.value) r.value = v, best = i;
  }
  r.t = lo + best * step;
  brent(f, lo + std::max(best - 1, 0) * step, lo + std::min(best + 1, points - 1) * step, r.t, r.value, tol, r);
  return r;
}

SearchResult minimize_from(const std::function<double(double)>& f, double t0, double step, double lo, double hi,
                           double tol) {
  SearchResult r;
  auto at = [&](double t) {
    ++r.evaluations;
    return f(t);
  };
  t0 = std::clamp(t0, lo, hi);
  double x = t0, fx = at(x);
  // Which way is downhill: one step up, and one down only if up was not.
  double dir = 1, t = std::min(x + step, hi), ft = t > x ? at(t) : fx;
  if (!(ft < fx)) {
    const double up = t;
    dir = -1, t = std::max(x - step, lo), ft = t < x ? at(t) : fx;
    if (!(ft < fx)) {  // x is lower than both neighbours: bracketed
      brent(f, std::max(x - step, lo), up, x, fx, tol, r);
      return r;
    }
  }
  // Walk downhill with doubling steps until the value rises or a bound is
  // reached; the minimum then lies between the point before x and t.
  double before = x;
  for (double s = step;;) {
    before = x, x = t, fx = ft;
    if (x == (dir > 0 ? hi : lo)) break;
    s *= 2;
    t = dir > 0 ? std::min(x + s, hi) : std::max(x - s, lo);
    ft = at(t);
    if (!(ft < fx)) break;
  }
  const double other = x == (dir > 0 ? hi : lo) ? x : t;
  brent(f, std::min(before, other), std::max(before, other), x, fx, tol, r);
  return r;
}

}  // namespace dvhpc::gp
