#include <doctest/doctest.h>

#include "dvhpc/error.hpp"
#include "dvhpc/reference.hpp"
#include "test_reads.hpp"

using namespace dvhpc;
using dvhpc::test::TempDir;
using dvhpc::test::write_fasta;

TEST_CASE("reference: plain and bgzipped FASTA give the same upper-cased bases") {
  TempDir dir;
  const std::string seq = "ACGTacgtNNNNNNNNNNGGCCAATT" + std::string(100, 'A') + "tgca";
  for (bool bgzip : {false, true}) {
    CAPTURE(bgzip);
    Reference ref(write_fasta(dir, bgzip ? "r.fa.gz" : "r.fa", {{"chr1", seq}, {"chr2", "TTTT"}}, bgzip));
    REQUIRE(ref.contigs().size() == 2);
    CHECK(ref.contigs()[0].name == "chr1");
    CHECK(ref.contigs()[0].length == static_cast<int64_t>(seq.size()));
    CHECK(ref.length("chr2") == 4);
    CHECK(ref.fetch("chr1", 0, 8) == "ACGTACGT");
    CHECK(ref.fetch("chr1", 4, 6) == "AC");
    // Clipped to the contig end.
    CHECK(ref.fetch("chr1", static_cast<int64_t>(seq.size()) - 2, static_cast<int64_t>(seq.size()) + 50) == "CA");
    CHECK(ref.fetch(Region{"chr2", 1, 3}) == "TT");
    CHECK(ref.has_contig("chr2"));
    CHECK_FALSE(ref.has_contig("chr3"));
  }
}

TEST_CASE("reference: N runs at least min_run long are found, shorter ones are not") {
  TempDir dir;
  const std::string seq = std::string(5, 'N') + "ACGT" + std::string(3, 'N') + "GG" + std::string(7, 'n');
  Reference ref(write_fasta(dir, "n.fa", {{"c", seq}}));
  auto runs = ref.n_runs("c", 5);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0] == Region{"c", 0, 5});
  CHECK(runs[1] == Region{"c", 14, 21});
  CHECK(ref.n_runs("c", 3).size() == 3);
  CHECK(ref.n_runs("c", 8).empty());
}

TEST_CASE("reference: a missing file or contig is an Input error naming it") {
  TempDir dir;
  try {
    Reference ref(dir.file("nope.fa"));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Input);
    CHECK(std::string(e.what()).find("nope.fa") != std::string::npos);
  }
  Reference ref(write_fasta(dir, "r.fa", {{"chr1", "ACGT"}}));
  CHECK_THROWS_AS(ref.fetch("chrX", 0, 2), Error);
}
