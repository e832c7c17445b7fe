#include "dense_linalg.hpp"

#include <dnnl.h>

#include <algorithm>
#include <string>

#include "dvhpc/error.hpp"

extern "C" {
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
void dsyevr_(const char* jobz, const char* range, const char* uplo, const int* n, double* a, const int* lda,
             const double* vl, const double* vu, const int* il, const int* iu, const double* abstol, int* m,
             double* w, double* z, const int* ldz, int* isuppz, double* work, const int* lwork, int* iwork,
             const int* liwork, int* info);
}

namespace dvhpc::linalg {
namespace {
void check(int info, const char* what) {
  if (info != 0) throw_library_error("LAPACK", what, __FILE__, __LINE__, "info = " + std::to_string(info));
}
int as_int(int64_t v, const char* what) {
  if (v > 2147483647) throw Error(ErrorKind::Internal, std::string(what) + " is too large for LAPACK's int");
  return static_cast<int>(v);
}
}  // namespace

void sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
           int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  const dnnl_status_t st = dnnl_sgemm(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
  if (st != dnnl_success) throw_library_error("oneDNN", "dnnl_sgemm", __FILE__, __LINE__, "status " + std::to_string(st));
}

void gram_accumulate(const float* y, int64_t rows, int64_t cols, double* out) {
  constexpr int64_t kBlock = 2048;
  std::vector<float> part(static_cast<size_t>(cols * cols));
  for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
    const int64_t nr = std::min(kBlock, rows - r0);
    sgemm('T', 'N', cols, cols, nr, y + r0 * cols, cols, y + r0 * cols, cols, 0.0f, part.data(), cols);
    for (size_t i = 0; i < part.size(); ++i) out[i] += part[i];
  }
}

void orthonormalize(std::vector<double>& a, int64_t rows, int64_t cols) {
  const int m = as_int(rows, "rows"), n = as_int(cols, "cols");
  // Row-major [rows, cols] is column-major [cols, rows]: transpose to LAPACK's layout.
  std::vector<double> cm(a.size());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) cm[static_cast<size_t>(j * rows + i)] = a[static_cast<size_t>(i * cols + j)];
  std::vector<double> tau(static_cast<size_t>(n));
  int info = 0, lwork = -1;
  double q = 0;
  dgeqrf_(&m, &n, cm.data(), &m, tau.data(), &q, &lwork, &info);
  lwork = std::max(1, static_cast<int>(q));
  std::vector<double> work(static_cast<size_t>(lwork));
  dgeqrf_(&m, &n, cm.data(), &m, tau.data(), work.data(), &lwork, &info);
  check(info, "dgeqrf");
  lwork = -1;
  dorgqr_(&m, &n, &n, cm.data(), &m, tau.data(), &q, &lwork, &info);
  lwork = std::max(1, static_cast<int>(q));
  work.resize(static_cast<size_t>(lwork));
  dorgqr_(&m, &n, &n, cm.data(), &m, tau.data(), work.data(), &lwork, &info);
  check(info, "dorgqr");
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) a[static_cast<size_t>(i * cols + j)] = cm[static_cast<size_t>(j * rows + i)];
}

void symmetric_eigen(const std::vector<double>& a, int64_t n64, int64_t top, std::vector<double>& values,
                     std::vector<double>& vectors) {
  const int n = as_int(n64, "n");
  const int k = static_cast<int>(std::min<int64_t>(top, n64));
  std::vector<double> cm(a);  // symmetric: row-major = column-major
  const int il = n - k + 1, iu = n;
  const double vl = 0, vu = 0, abstol = 0;
  int found = 0, info = 0, lwork = -1, liwork = -1, iq = 0;
  double q = 0;
  std::vector<double> w(static_cast<size_t>(n)), z(static_cast<size_t>(n) * static_cast<size_t>(std::max(k, 1)));
  std::vector<int> isuppz(static_cast<size_t>(2 * std::max(k, 1)));
  dsyevr_("V", "I", "U", &n, cm.data(), &n, &vl, &vu, &il, &iu, &abstol, &found, w.data(), z.data(), &n,
          isuppz.data(), &q, &lwork, &iq, &liwork, &info);
  lwork = std::max(1, static_cast<int>(q));
  liwork = std::max(1, iq);
  std::vector<double> work(static_cast<size_t>(lwork));
  std::vector<int> iwork(static_cast<size_t>(liwork));
  dsyevr_("V", "I", "U", &n, cm.data(), &n, &vl, &vu, &il, &iu, &abstol, &found, w.data(), z.data(), &n,
          isuppz.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
  check(info, "dsyevr");
  // Ascending -> descending; z is column-major [n, found].
  values.assign(static_cast<size_t>(found), 0.0);
  vectors.assign(static_cast<size_t>(n64 * found), 0.0);
  for (int j = 0; j < found; ++j) {
    const int src = found - 1 - j;
    values[static_cast<size_t>(j)] = w[static_cast<size_t>(src)];
    for (int64_t i = 0; i < n64; ++i)
      vectors[static_cast<size_t>(i * found + j)] = z[static_cast<size_t>(src) * static_cast<size_t>(n) + static_cast<size_t>(i)];
  }
}

}  // namespace dvhpc::linalg
