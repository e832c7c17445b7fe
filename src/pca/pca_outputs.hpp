// The files `dvhpc pca` writes:
//   PREFIX.eigenvec            #FID IID PC1..PCk (plink2's layout): unit-norm sample eigenvectors
//   PREFIX.eigenval            one eigenvalue per line (plink2's scale)
//   PREFIX.pca.h5              /samples/{fid,iid}, /scores [samples, k], /eigenvalues [k],
//                              /variants/{chrom,pos,id,a1,a2,a1_freq} [variants used],
//                              /loadings float [variants used, k] (weights: score = x . w),
//                              /provenance attributes
//   PREFIX.pca.png             PC1 vs PC2 and PC3 vs PC4, coloured by label
//   PREFIX.projected.eigenvec  scores of projected samples (pca.project)
// Text files are written by rank 0 under a temporary name and renamed.
#pragma once

#include <string>
#include <vector>

#include "dvhpc/commands.hpp"
#include "dvhpc/genotype_matrix.hpp"

namespace dvhpc {

class StandardizedGenotypes;
struct PcaResult;

// Rank 0 writes; every rank gets the outcome.
void write_eigenvec(const Comm& comm, const std::string& path, const std::vector<SampleId>& samples,
                    const std::vector<double>& scores, int k);
void write_eigenval(const Comm& comm, const std::string& path, const std::vector<double>& values);
// Collective.
void write_pca_h5(const RunContext& ctx, const std::string& path, const StandardizedGenotypes& x, const PcaResult& r);

struct PlotSamples {
  std::vector<SampleId> samples;
  std::vector<double> scores;  // [samples, k]
  std::string default_label;   // for samples without a label ("" = "unlabelled")
};
// Rank 0 writes the PC1/PC2 and PC3/PC4 panels (PC1/PC2 only when k < 4);
// labels: FID IID label table or "" (one colour per group of `groups`).
void write_pca_plot(const Comm& comm, const std::string& path, const std::string& title,
                    const std::vector<PlotSamples>& groups, int k, const std::vector<double>& eigenvalues,
                    const std::string& labels);

}  // namespace dvhpc
