// The haplotype -> reference map and the CIGARs it gives reads.
#include <doctest/doctest.h>
#include <htslib/sam.h>

#include "dvhpc/sim/haplotype.hpp"
#include "dvhpc/sim/paired_reads.hpp"

using namespace dvhpc::sim;

namespace {

std::string cigar_string(const std::vector<uint32_t>& c) {
  std::string s;
  for (uint32_t op : c) s += std::to_string(bam_cigar_oplen(op)) + bam_cigar_opchr(op);
  return s;
}

SimVariant var(int64_t pos, std::string ref, std::string alt, int g0, int g1) {
  SimVariant v;
  v.pos = pos;
  v.ref = std::move(ref);
  v.alts = {std::move(alt)};
  v.gt = {g0, g1};
  return v;
}

// ref 100..109 = ACGTACGTAC; SNP C>T at 101 on hap 0; insertion T>TGG at 103
// on both; deletion CGT>C at 105 on hap 1.
const std::string kRef = "ACGTACGTAC";
const std::vector<SimVariant> kVars = {var(101, "C", "T", 1, 0), var(103, "T", "TGG", 1, 1),
                                       var(105, "CGT", "C", 0, 1)};

}  // namespace

TEST_CASE("build_haplotype: SNP, insertion and deletion map back to the reference") {
  Haplotype h0 = build_haplotype(kRef, 100, kVars, 0);
  CHECK(h0.seq == "ATGTGGACGTAC");
  CHECK(h0.ref_pos == std::vector<int64_t>{100, 101, 102, 103, 103, 103, 104, 105, 106, 107, 108, 109});
  CHECK(h0.inserted == std::vector<uint8_t>{0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0});

  Haplotype h1 = build_haplotype(kRef, 100, kVars, 1);
  CHECK(h1.seq == "ACGTGGACAC");
  CHECK(h1.ref_pos == std::vector<int64_t>{100, 101, 102, 103, 103, 103, 104, 105, 108, 109});
  // The anchor comes before its inserted bases; a deleted position maps to the next kept base.
  CHECK(h1.index_at(103) == 3);
  CHECK(h1.index_at(104) == 6);
  CHECK(h1.index_at(106) == 8);
  CHECK(h1.index_at(110) == h1.size());
}

TEST_CASE("build_haplotype: complex and multi-allelic alleles, variants outside the window") {
  // MNP AC>GT, then a 1|2 multi-allelic site with an insertion and a deletion.
  SimVariant multi = var(104, "ACG", "A", 1, 2);
  multi.alts.push_back("ACGTT");
  std::vector<SimVariant> vars = {var(100, "AC", "GT", 1, 1), multi, var(120, "A", "C", 1, 1)};
  Haplotype h0 = build_haplotype(kRef, 100, vars, 0);
  CHECK(h0.seq == "GTGTATAC");
  CHECK(h0.ref_pos == std::vector<int64_t>{100, 101, 102, 103, 104, 107, 108, 109});
  Haplotype h1 = build_haplotype(kRef, 100, vars, 1);
  CHECK(h1.seq == "GTGTACGTTTAC");
  CHECK(h1.inserted == std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0});
}

TEST_CASE("cigar_from_positions: M, I and D from reference positions") {
  CHECK(cigar_string(cigar_from_positions({100, 101, 102, 103, -1, -1, 104, 105, 108, 109})) == "4M2I2M2D2M");
  CHECK(cigar_string(cigar_from_positions({5, 6, 7})) == "3M");
  CHECK(cigar_string(cigar_from_positions({5, -1, 9})) == "1M1I3D1M");
}

TEST_CASE("sequence_read: a read's POS and CIGAR come from the planted variants") {
  ErrorModel em(10);
  Haplotype h1 = build_haplotype(kRef, 100, kVars, 1);
  SimRng rng(7);
  SimRead fwd, rev;
  std::vector<int64_t> scratch;
  REQUIRE(sequence_read(h1, 0, false, 0, em, rng, fwd, scratch));
  CHECK(fwd.pos == 100);
  CHECK(fwd.end == 110);
  CHECK(cigar_string(fwd.cigar) == "4M2I2M2D2M");
  // The reverse read walks left from the last base and is stored forward.
  REQUIRE(sequence_read(h1, h1.size() - 1, true, 1, em, rng, rev, scratch));
  CHECK(rev.pos == 100);
  CHECK(cigar_string(rev.cigar) == "4M2I2M2D2M");
  CHECK(rev.seq.size() == 10);
  // A read may not start on an inserted base, nor run off the haplotype.
  ErrorModel em4(4);
  SimRead r;
  CHECK_FALSE(sequence_read(h1, 4, false, 0, em4, rng, r, scratch));
  CHECK_FALSE(sequence_read(h1, 8, false, 0, em4, rng, r, scratch));
  REQUIRE(sequence_read(h1, 6, false, 0, em4, rng, r, scratch));
  CHECK(r.pos == 104);
  CHECK(cigar_string(r.cigar) == "2M2D2M");
}
