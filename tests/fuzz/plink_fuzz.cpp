// libFuzzer target: the PLINK 1 reader (`pca`/`gp` input PREFIX.bed/.bim/
// .fam) on one process. One input holds the three files, in the order the
// reader opens them, cut at two separator lines:
//
//   FAM text  "@@bim\n"  BIM text  "@@bed\n"  BED bytes (magic 6c 1b 01, rows)
//
// A set that reads must then write back (write_plink) and read again to the
// same matrix; any other input must be rejected with dvhpc::Error. A crash,
// a hang, a sanitizer report or a round trip that differs is a bug.
// Run: scripts/fuzz.sh (builds with clang, runs every target).
#include <mpi.h>

#include <cstdint>
#include <string>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/genotype_io.hpp"
#include "src/genotypes/genotype_io_detail.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace dvhpc;

namespace {

bool same(const GenotypeMatrix& a, const GenotypeMatrix& b) {
  if (a.samples.size() != b.samples.size() || a.variants.size() != b.variants.size() ||
      a.total_variants != b.total_variants || a.index != b.index || a.packed != b.packed)
    return false;
  for (size_t j = 0; j < a.samples.size(); ++j)
    if (a.samples[j].fid != b.samples[j].fid || a.samples[j].iid != b.samples[j].iid) return false;
  for (size_t i = 0; i < a.variants.size(); ++i) {
    const VariantId &x = a.variants[i], &y = b.variants[i];
    if (x.chrom != y.chrom || x.pos != y.pos || x.id != y.id || x.alt != y.alt || x.ref != y.ref) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::init_mpi(argc, argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Comm comm = Comm::world();
  const auto parts = fuzz::split_parts(std::string(reinterpret_cast<const char*>(data), size), {"@@bim\n", "@@bed\n"});
  const std::string in = fuzz::scratch_file("in");
  if (!fuzz::write_file(in + ".fam", parts[0]) || !fuzz::write_file(in + ".bim", parts[1]) ||
      !fuzz::write_file(in + ".bed", parts[2]))
    return 0;
  GenotypeMatrix m;
  try {
    m = detail::read_plink(comm, in);
  } catch (const Error&) {
    return 0;
  }
  // Accepted: the matrix must survive a write and a read unchanged. Sample
  // and variant names with blanks cannot (the files are whitespace
  // separated), but the reader splits on blanks, so none has one.
  const std::string out = fuzz::scratch_file("out");
  try {
    write_plink(comm, out, m);
  } catch (const Error&) {
    __builtin_trap();  // a matrix that was read must be writable
  }
  GenotypeMatrix again;
  try {
    again = detail::read_plink(comm, out);
  } catch (const Error&) {
    __builtin_trap();  // what write_plink wrote must read
  }
  if (!same(m, again)) __builtin_trap();
  return 0;
}
