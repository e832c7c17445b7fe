// Projecting new samples onto fitted principal components.
//
// A fit's variant weights (pca_solver.hpp) give a sample's score on
// component j as x . w_j, x its genotypes standardised with the FIT's allele
// frequencies (missing -> 0, mean imputation). New genotypes are matched to
// the fit by variant ID and alleles: the same A1/A2 is used as is, swapped
// alleles are flipped (2 - copies), anything else is left out and counted.
// The table of loadings is replicated on every rank (ID, alleles, frequency,
// k weights per variant) while each rank scores its own block of the new
// genotypes; the scores are summed over ranks.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "dvhpc/genotype_matrix.hpp"

namespace dvhpc {

class Comm;
class StandardizedGenotypes;
struct PcaResult;

struct Loadings {
  int k = 0;
  std::vector<std::string> id, a1, a2;
  std::vector<double> freq;   // of A1
  std::vector<float> weight;  // [variants, k]
  std::vector<double> eigenvalues;
};

// Collective: every rank's loadings of a fit, on every rank, in variant order.
Loadings gather_loadings(const Comm& comm, const StandardizedGenotypes& x, const PcaResult& r);
// The loadings saved in a PREFIX.pca.h5 (each rank reads the file).
Loadings read_loadings(const std::string& path);

struct Projection {
  std::vector<SampleId> samples;
  std::vector<double> scores;  // [samples, k]
  int64_t matched = 0, flipped = 0, allele_mismatch = 0, not_in_fit = 0;
};

// Collective.
Projection project(const Comm& comm, const Loadings& fit, const GenotypeMatrix& other);

}  // namespace dvhpc
