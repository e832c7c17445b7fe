// Per-format readers behind read_genotype_matrix(). None of them makes a
// collective call, so a failure on one rank is agreed on by the caller.
#pragma once

#include <string>
#include <utility>

#include "dvhpc/genotype_io.hpp"

namespace dvhpc {
class Comm;
namespace detail {

// Rows [first, last) of `total` that rank `rank` of `size` owns.
inline std::pair<int64_t, int64_t> rank_block(int64_t total, int rank, int size) {
  return {total * rank / size, total * (rank + 1) / size};
}

GenotypeMatrix read_plink(const Comm& comm, const std::string& prefix);
GenotypeMatrix read_genotype_h5(const Comm& comm, const std::string& path);
GenotypeMatrix read_genotype_vcf(const Comm& comm, const std::string& path, GenotypeReadStats* stats);

}  // namespace detail
}  // namespace dvhpc
