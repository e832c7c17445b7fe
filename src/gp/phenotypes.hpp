// Phenotypes and cross-validation folds of `dvhpc gp`, matched to the
// samples (columns) of a genotype matrix.
//
// Phenotype table: whitespace-separated, a header line naming the columns,
// `FID IID trait...` (samples matched by FID and IID) or `IID trait...`
// (matched by IID, which must then be unique among the genotyped samples);
// a leading '#' on the header is allowed. `NA` (also `NaN`, `.`) is missing.
// Every row must match a genotyped sample and appear once: a table keyed by
// other IDs is a mistake worth stopping for, not a reason to fit on fewer
// samples. Genotyped samples without a row have every trait missing.
//
// Folds: gp.folds_file is a `FID IID fold` table (integer fold labels; folds
// are the distinct labels in ascending order), or folds are drawn: the
// samples with at least one trait value, in a seeded shuffle (Fisher-Yates
// on sim::SimRng, the same on every machine), take folds 0, 1, .., k-1 in
// turn. A sample missing a trait is left out of that trait's folds only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/genotype_matrix.hpp"

namespace dvhpc::gp {

struct Phenotypes {
  std::vector<std::string> traits;
  std::vector<std::vector<double>> values;  // [trait][genotype column], NaN = missing
};

// Reads `path` and keeps the traits named in `wanted` (all when empty, in
// table order; otherwise in the order given). Throws Error(Input) naming the
// file, line and sample for a missing header, a bad number, an ID that no
// genotyped sample has, an ambiguous IID, a duplicated row, an unknown trait.
Phenotypes read_phenotypes(const std::string& path, const std::vector<SampleId>& samples,
                           const std::vector<std::string>& wanted);

// Fold index (0..k-1) per genotype column, -1 where none. From a
// `FID IID fold` table: rows must match genotyped samples; *k = the number
// of distinct labels (at least 2).
std::vector<int> read_folds(const std::string& path, const std::vector<SampleId>& samples, int* k);

// Drawn folds for the columns where `use` is true (-1 elsewhere).
std::vector<int> random_folds(const std::vector<bool>& use, int k, uint64_t seed);

}  // namespace dvhpc::gp
