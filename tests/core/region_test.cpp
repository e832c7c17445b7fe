#include <doctest/doctest.h>

#include "dvhpc/error.hpp"
#include "dvhpc/region.hpp"
#include "test_util.hpp"

using namespace dvhpc;

TEST_CASE("parse_region: 1-based closed strings become 0-based half-open") {
  Region r = parse_region("chr20:10,000,001-10,100,000");
  CHECK(r.contig == "chr20");
  CHECK(r.begin == 10000000);
  CHECK(r.end == 10100000);
  CHECK(r.length() == 100000);
  CHECK(r.to_string() == "chr20:10000001-10100000");

  Region whole = parse_region("chrM");
  CHECK(whole.whole_contig());
  CHECK(whole.to_string() == "chrM");

  Region from = parse_region("20:500");
  CHECK(from.contig == "20");
  CHECK(from.begin == 499);
  CHECK(from.end == INT64_MAX);

  // A contig name containing ':' followed by non-numbers is a whole contig.
  CHECK(parse_region("HLA-A*01:AB").contig == "HLA-A*01:AB");
}

TEST_CASE("parse_region: malformed strings are rejected with the string in the message") {
  for (const char* bad : {"", "chr1:0-5", "chr1:10-5", "chr1:1x-5", ":1-5", "chr1:", "chr 1:1-2"}) {
    CAPTURE(bad);
    try {
      parse_region(bad);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Config);
      CHECK(std::string(e.what()).find(std::string("'") + bad + "'") != std::string::npos);
    }
  }
}

TEST_CASE("read_bed: headers skipped, zero-length intervals dropped, errors carry line numbers") {
  test::TempDir dir;
  auto ok = dir.write("a.bed", "track name=x\n# comment\nchr1\t0\t100\textra\nchr1\t50\t50\n\nchr2\t10\t20\r\n");
  auto regions = read_bed(ok);
  REQUIRE(regions.size() == 2);
  CHECK(regions[0] == Region{"chr1", 0, 100});
  CHECK(regions[1] == Region{"chr2", 10, 20});

  auto bad = dir.write("b.bed", "chr1\t0\t100\nchr1\tx\t5\n");
  try {
    read_bed(bad);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("b.bed:2") != std::string::npos);
  }
  CHECK_THROWS_AS(read_bed(dir.file("absent.bed")), Error);
  auto inverted = dir.write("c.bed", "chr1\t10\t5\n");
  CHECK_THROWS_AS(read_bed(inverted), Error);
}
