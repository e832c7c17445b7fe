// Haplotype -> reference and read -> haplotype alignments, and their
// composition into a read's new CIGAR (src/assembly/align.hpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/assembly/align.hpp"
#include "src/assembly/cigar_ops.hpp"
#include "dvhpc/read_batch.hpp"
#include "read_batch_util.hpp"

using namespace dvhpc;
using namespace dvhpc::assembly;
using dvhpc::test::cigar_string;

namespace {

std::vector<uint8_t> codes(const std::string& s) {
  std::vector<uint8_t> out;
  for (char c : s) out.push_back(base_code(c));
  return out;
}

std::string cig(const ReadAlignment& a) { return cigar_string(a.cigar.data(), a.cigar.size()); }

}  // namespace

TEST_CASE("assembly: haplotype-to-reference alignment places gaps leftmost") {
  SUBCASE("deletion of one A from a run") {
    // ref  G C A A A A T     the hap lacks one A: the first one goes
    const auto ref_of = align_haplotype("GCAAAT", "GCAAAAT", 100);
    CHECK(ref_of == std::vector<int64_t>{100, 101, 103, 104, 105, 106});
  }
  SUBCASE("insertion of one A into a run") {
    const auto ref_of = align_haplotype("GCAAAAT", "GCAAAT", 100);
    CHECK(ref_of == std::vector<int64_t>{100, 101, -1, 102, 103, 104, 105});
  }
  SUBCASE("a SNP stays a mismatch, not two gaps") {
    const auto ref_of = align_haplotype("ACGTTACGTA", "ACGTCACGTA", 0);
    CHECK(ref_of == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  }
  SUBCASE("a GATA unit inserted into a GATA repeat") {
    const std::string ref = "CCTTGATAGATAGATACCAT", hap = "CCTTGATAGATAGATAGATACCAT";
    const auto ref_of = align_haplotype(hap, ref, 0);
    // Leftmost: the inserted unit follows the anchor T at offset 3.
    CHECK(ref_of[3] == 3);
    for (int i = 4; i < 8; ++i) CHECK(ref_of[i] == -1);
    CHECK(ref_of[8] == 4);
    CHECK(ref_of.back() == 19);
  }
}

TEST_CASE("assembly: banded read alignment") {
  const std::string target = "TTGACCTAGGCATTACGGATCCAGTTAGCAGGTCAATCGGA";
  BandedAligner aligner;
  ReadAlignment a;
  SUBCASE("an exact substring costs nothing") {
    const auto read = codes(target.substr(8, 20));
    const std::vector<uint8_t> q(read.size(), 30);
    REQUIRE(aligner.align(read.data(), q.data(), 20, codes(target).data(), int(target.size()), 6, 4, a));
    CHECK(a.cost == 0);
    CHECK(a.target_begin == 8);
    CHECK(cig(a) == "20M");
  }
  SUBCASE("a read with an extra base gets an insertion") {
    const std::string r = target.substr(5, 10) + "A" + target.substr(15, 12);
    const auto read = codes(r);
    const std::vector<uint8_t> q(read.size(), 30);
    const auto t = codes(target);
    REQUIRE(aligner.align(read.data(), q.data(), int(read.size()), t.data(), int(t.size()), 5, 4, a));
    CHECK(a.cost == kReadGapOpen + kReadGapExtend);
    CHECK(a.target_begin == 5);
    CHECK(cig(a).find("1I") != std::string::npos);
  }
  SUBCASE("a low-quality mismatch is cheaper than a gap") {
    std::string r = target.substr(10, 20);
    r[9] = r[9] == 'A' ? 'C' : 'A';
    const auto read = codes(r);
    std::vector<uint8_t> q(read.size(), 30);
    q[9] = 5;
    const auto t = codes(target);
    REQUIRE(aligner.align(read.data(), q.data(), 20, t.data(), int(t.size()), 10, 3, a));
    CHECK(a.cost == 5);
    CHECK(cig(a) == "20M");
  }
  SUBCASE("three SNPs near the end stay mismatches: they are evidence") {
    std::string r = target.substr(3, 30);
    for (int i : {20, 24, 29}) r[i] = r[i] == 'A' ? 'C' : 'A';
    const auto read = codes(r);
    const std::vector<uint8_t> q(read.size(), 30);
    const auto t = codes(target);
    REQUIRE(aligner.align(read.data(), q.data(), int(read.size()), t.data(), int(t.size()), 3, 4, a));
    CHECK(a.cost == 90);
    CHECK(cig(a) == "30M");
  }
  SUBCASE("a junk tail is clipped when that is cheaper than its mismatches") {
    const std::string r = target.substr(3, 20) + "ACACACAC";
    const auto read = codes(r);
    const std::vector<uint8_t> q(read.size(), 30);
    const auto t = codes(target);
    REQUIRE(aligner.align(read.data(), q.data(), int(read.size()), t.data(), int(t.size()), 3, 4, a));
    CHECK(a.cost == clip_cost(8));
    CHECK(cig(a) == "20M8S");
  }
  SUBCASE("a shift beyond the band is not found") {
    const auto read = codes(target.substr(20, 15));
    const std::vector<uint8_t> q(read.size(), 30);
    const auto t = codes(target);
    REQUIRE(aligner.align(read.data(), q.data(), 15, t.data(), int(t.size()), 5, 3, a));
    CHECK(a.cost > 0);
    REQUIRE(aligner.align(read.data(), q.data(), 15, t.data(), int(t.size()), 5, 16, a));
    CHECK(a.cost == 0);
    CHECK(a.target_begin == 20);
  }
}

TEST_CASE("assembly: composing read->haplotype with haplotype->reference") {
  // Reference 0..19; the haplotype inserts GATA after offset 3 (see above).
  const std::string ref = "CCTTGATAGATAGATACCAT", hap = "CCTTGATAGATAGATAGATACCAT";
  const auto ref_of = align_haplotype(hap, ref, 1000);
  int64_t pos = 0;
  std::vector<uint32_t> cigar;
  SUBCASE("a read spanning the insertion carries it, left-aligned") {
    ReadAlignment a{0, 1, {uint32_t(22) << 4}};  // 22M from hap offset 1
    REQUIRE(compose(a, ref_of, pos, cigar));
    CHECK(pos == 1001);
    CHECK(cigar_string(cigar.data(), cigar.size()) == "3M4I15M");
  }
  SUBCASE("a read ending inside the insertion gets a soft clip") {
    ReadAlignment a{0, 0, {uint32_t(6) << 4}};  // hap offsets 0..5: CCTT + GA of the insertion
    REQUIRE(compose(a, ref_of, pos, cigar));
    CHECK(pos == 1000);
    CHECK(cigar_string(cigar.data(), cigar.size()) == "4M2S");
  }
  SUBCASE("a read starting inside the insertion gets a leading soft clip") {
    ReadAlignment a{0, 6, {uint32_t(10) << 4}};  // hap offsets 6..15
    REQUIRE(compose(a, ref_of, pos, cigar));
    CHECK(pos == 1004);
    CHECK(cigar_string(cigar.data(), cigar.size()) == "2S8M");
  }
  SUBCASE("a haplotype deletion becomes the read's deletion") {
    const auto del_of = align_haplotype("CCTTGATACCAT", ref, 1000);  // two GATA units fewer
    ReadAlignment a{0, 0, {uint32_t(12) << 4}};
    REQUIRE(compose(a, del_of, pos, cigar));
    CHECK(pos == 1000);
    CHECK(cigar_string(cigar.data(), cigar.size()) == "4M8D8M");
  }
  SUBCASE("read-vs-haplotype gaps carry through, clips stay clips") {
    ReadAlignment a{0, 0, {uint32_t(2) << 4 | 4, uint32_t(2) << 4, uint32_t(1) << 4 | 1, uint32_t(2) << 4}};
    REQUIRE(compose(a, ref_of, pos, cigar));
    CHECK(pos == 1000);
    CHECK(cigar_string(cigar.data(), cigar.size()) == "2S2M1I2M");
  }
}

TEST_CASE("assembly: cost of an existing alignment") {
  const std::string ref = "ACGTACGTACGTACGT";
  const auto read = codes("ACGTTACGT");
  std::vector<uint8_t> q(read.size(), 20);
  const std::vector<uint32_t> m9{uint32_t(9) << 4};
  CHECK(alignment_cost(read.data(), q.data(), m9.data(), 1, 0, ref, 0) == 5 * 20);  // shifted after the extra T
  const std::vector<uint32_t> ins{uint32_t(4) << 4, uint32_t(1) << 4 | 1, uint32_t(4) << 4};
  CHECK(alignment_cost(read.data(), q.data(), ins.data(), 3, 0, ref, 0) == kReadGapOpen + kReadGapExtend);
  const std::vector<uint32_t> clip{uint32_t(4) << 4, uint32_t(5) << 4 | 4};
  CHECK(alignment_cost(read.data(), q.data(), clip.data(), 2, 0, ref, 0) == clip_cost(5));
  CHECK(alignment_cost(read.data(), q.data(), m9.data(), 1, 10, ref, 0) == -1);  // runs off the reference
}

TEST_CASE("assembly: CIGAR walks skip hard clips") {
  using namespace dvhpc::assembly;
  const std::vector<uint32_t> c{uint32_t(5) << 4 | 5, uint32_t(3) << 4 | 4, uint32_t(10) << 4, uint32_t(2) << 4 | 4,
                                uint32_t(7) << 4 | 5};  // 5H3S10M2S7H
  CHECK(leading_clip(c.data(), c.size()) == 3);
  CHECK(trailing_clip(c.data(), c.size()) == 2);
  CHECK(clipped_bases(c.data(), c.size()) == 5);
  CHECK(ref_end_of(100, c.data(), c.size()) == 110);
  const std::vector<uint32_t> eq{uint32_t(10) << 4 | 7};  // 10=
  CHECK(leading_clip(eq.data(), 1) == 0);
  CHECK(trailing_clip(eq.data(), 1) == 0);
  // The leading clip (after the H) would sit on 97..99, the trailing on 110..111.
  const std::string ref(200, 'A');
  const std::vector<uint8_t> bases(15, 0);  // all A
  CHECK(differs_from_ref(bases.data(), c.data(), c.size(), 100, ref, 0, 96, 98));
  CHECK(!differs_from_ref(bases.data(), c.data(), c.size(), 100, ref, 0, 102, 108));
  CHECK(differs_from_ref(bases.data(), c.data(), c.size(), 100, ref, 0, 111, 115));
  CHECK(!differs_from_ref(bases.data(), c.data(), c.size(), 100, ref, 0, 113, 120));
}
