// `dvhpc simulate` with simulate.kind: genotypes — a genotype matrix from the
// population model (sim/population.hpp), each rank making a block of
// variants: PREFIX.bed/.bim/.fam and/or PREFIX.h5, and PREFIX.pop.tsv
// (FID IID population).
#pragma once

#include "dvhpc/commands.hpp"

namespace dvhpc {
void simulate_genotypes(const RunContext& ctx);
}
