// A random reference for `simulate` when no `reference:` is given.
#pragma once

#include <cstdint>
#include <string>

namespace dvhpc::sim {

// Writes `length` uniform random ACGT bases as FASTA contig `contig` (60 per
// line) to `path`, via a temporary name renamed when complete, and builds
// its .fai. The bases depend only on `seed` (1 Mb chunks keyed by index).
void write_random_fasta(const std::string& path, const std::string& contig, int64_t length, uint64_t seed);

}  // namespace dvhpc::sim
