// The parts of `dvhpc simulate` (simulate_command.cpp dispatches on
// simulate.kind):
//   simulate_genotypes  kind genotypes: a genotype matrix from the population
//                       model (sim/population.hpp), each rank making a block of
//                       variants: PREFIX.bed/.bim/.fam and/or PREFIX.h5, and
//                       PREFIX.pop.tsv (FID IID population)
//   simulate_reads      kind reads: one genome's reads
//   simulate_cohort     kind cohort: many genomes' reads (simulate_cohort.cpp)
#pragma once

#include "dvhpc/commands.hpp"

namespace dvhpc {
void simulate_genotypes(const RunContext& ctx);
// One genome's reads on the ranks of `comm` (the body of plain `simulate`),
// with `cfg` in place of ctx.cfg (a cohort passes each sample's own).
void simulate_reads(const RunContext& ctx, const Comm& comm, const Config& cfg);
// simulate.kind: cohort (simulate_cohort.cpp).
void simulate_cohort(const RunContext& ctx);
}
