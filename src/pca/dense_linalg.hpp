// The small dense linear algebra of randomized PCA, in double precision
// through LAPACK: orthonormal bases of tall [n, l] blocks and eigenpairs of
// small symmetric matrices. Matrices are row-major, as the rest of dvhpc.
#pragma once

#include <cstdint>
#include <vector>

namespace dvhpc::linalg {

// C = A B + beta C, row-major float (oneDNN's sgemm: JIT kernels for the
// CPU's vector width, threads from OpenMP); ta/tb 'N' or 'T'.
void sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
           int64_t ldb, float beta, float* c, int64_t ldc);

// out [cols, cols] += Y^T Y for float Y [rows, cols] (row-major), summed in
// double over blocks of rows so that long sums keep their precision.
void gram_accumulate(const float* y, int64_t rows, int64_t cols, double* out);

// Replaces the columns of a [rows, cols] matrix (rows >= cols) by an
// orthonormal basis of their span (Householder QR, Q factor).
void orthonormalize(std::vector<double>& a, int64_t rows, int64_t cols);

// Eigenpairs of a symmetric [n, n] matrix, the `top` largest, descending:
// values [top] and vectors [n, top] (column j = eigenvector j).
void symmetric_eigen(const std::vector<double>& a, int64_t n, int64_t top, std::vector<double>& values,
                     std::vector<double>& vectors);

}  // namespace dvhpc::linalg
