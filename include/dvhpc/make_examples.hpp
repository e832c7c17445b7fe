// `dvhpc make-examples`: the front half of `call` (shard pipeline: load,
// count, candidates), then per shard the pileup kernels, then one example
// store PREFIX.examples.h5 written by all ranks (schema: example_store.hpp).
//
//   with truth.vcf + truth.bed: only sites inside the BED, labelled 0/1/2
//   without truth:              every candidate, label -1 (for `call`)
//
// Multi-sample configs use the first sample's reads and candidates.
#pragma once

#include "dvhpc/commands.hpp"

namespace dvhpc {

void run_make_examples(const RunContext& ctx);

}  // namespace dvhpc
