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

}  // namespace dvhpc::gp
