// The one-dimensional search for the shrinkage: a grid in t = log lambda,
// then Brent's method (parabolic interpolation with golden-section steps as
// the fallback) between the best grid point's neighbours. The criteria of
// `dvhpc gp` (minus the REML likelihood, the leave-one-out error) are smooth
// and, in practice, unimodal in log lambda, so the grid only has to land
// in the right basin and Brent converges in about ten more evaluations
// (each evaluation can cost a Cholesky: held_out_reml.hpp).
#pragma once

#include <functional>

namespace dvhpc::gp {

struct SearchResult {
  double t = 0;      // argmin (log lambda)
  double value = 0;  // f(t)
  int evaluations = 0;
};

// Minimises f over [lo, hi]: `points` grid values (at least 3), then Brent
// to an absolute tolerance `tol` in t. Deterministic: the same f gives the
// same t, whatever runs it.
SearchResult minimize_log_lambda(const std::function<double(double)>& f, double lo, double hi, int points,
                                 double tol);

// The same from a starting point instead of a grid: steps of `step` (then
// doubling) downhill from t0 until the value rises, within [lo, hi], then
// Brent inside that bracket. About half the evaluations of the grid when
// t0 is within a step or two of the minimum; finds the minimum of the basin
// t0 lies in, so t0 must come from a criterion with the same basin (see
// HeldOutReml::fit).
SearchResult minimize_from(const std::function<double(double)>& f, double t0, double step, double lo, double hi,
                           double tol);

}  // namespace dvhpc::gp
