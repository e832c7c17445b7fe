#include "lambda_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dvhpc::gp {

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
  // Brent's method on [a, b] starting from the best grid point (Numerical
  // Recipes' `brent`, without derivatives).
  double a = lo + std::max(best - 1, 0) * step, b = lo + std::min(best + 1, points - 1) * step;
  constexpr double kGold = 0.3819660112501051;  // (3 - sqrt 5) / 2
  double x = r.t, w = x, v = x, fx = r.value, fw = fx, fv = fx, d = 0, e = 0;
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
  return r;
}

}  // namespace dvhpc::gp
