// Helpers shared by the MPI tests.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "dvhpc/comm.hpp"
#include "dvhpc/genotype_matrix.hpp"
#include "dvhpc/sim/population.hpp"

namespace dvhpc::test {

// A fresh directory every rank sees under the same name (rank 0's pid), made
// by rank 0 before any rank uses it.
inline std::string shared_dir(const Comm& w, const std::string& tag) {
  namespace fs = std::filesystem;
  std::string dir =
      w.broadcast(fs::temp_directory_path().string() + "/dvhpc-" + tag + "-" + std::to_string(::getpid()));
  if (w.is_root()) fs::create_directories(dir);
  w.barrier();
  return dir;
}

// Variants [first, last) of a matrix drawn from `model` (samples "f"/"s<i>",
// variant v at position v + 1 with ID "v<v>", alleles A/C), `missing` the
// share of missing genotypes; `edit` may change a variant's genotypes
// before they are stored. Ranks pass their own block, or all of it.
inline GenotypeMatrix simulated_rows(const sim::PopulationModel& model, int64_t samples, int64_t variants,
                                     double missing, int64_t first, int64_t last,
                                     const std::function<void(int64_t, std::vector<int8_t>&)>& edit = {}) {
  GenotypeMatrix m;
  for (int64_t s = 0; s < samples; ++s) m.samples.push_back({"f", "s" + std::to_string(s)});
  m.total_variants = variants;
  std::vector<int8_t> g(static_cast<size_t>(samples));
  for (int64_t v = first; v < last; ++v) {
    model.genotypes(v, samples, missing, g.data());
    if (edit) edit(v, g);
    uint8_t* row = m.add_variant(v, VariantId{"1", v + 1, "v" + std::to_string(v), "A", "C"});
    for (int64_t s = 0; s < samples; ++s) set_code(row, s, code_of(g[static_cast<size_t>(s)]));
  }
  return m;
}

// This rank's block of such a matrix (variants split evenly over the ranks).
inline GenotypeMatrix simulated_block(const Comm& w, const sim::PopulationModel& model, int64_t samples,
                                      int64_t variants, double missing) {
  return simulated_rows(model, samples, variants, missing, variants * w.rank() / w.size(),
                        variants * (w.rank() + 1) / w.size());
}

}  // namespace dvhpc::test
