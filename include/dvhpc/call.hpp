// `dvhpc call`: the pipeline on every rank.
//
//   setup       reference, reads (one loader per sample), contig check
//   partition   target regions -> shards -> contiguous, weight-balanced runs per rank
//   per shard:  load (htslib) -> count (Kokkos) -> candidates (Kokkos)
//   write       PREFIX.candidates.vcf.gz (rank 0 writes the ordered shard blocks)
//               PREFIX.h5 (parallel HDF5: /candidates, /provenance, /timings)
//
// Genotyping (the RNN on count features, the CNN on pileup images) follows
// the candidate stage once trained models ship; until then `call` stops
// after candidates and says so.
#pragma once

#include "dvhpc/commands.hpp"

namespace dvhpc {

void run_call(const RunContext& ctx);

}  // namespace dvhpc
