// Reads cut to a window plus flank for local realignment, and spliced back;
// end to end, long reads crossing two repeats get both indels respelled.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "dvhpc/local_realigner.hpp"
#include "read_batch_util.hpp"
#include "src/assembly/cigar_ops.hpp"
#include "src/assembly/read_fragment.hpp"

using namespace dvhpc;
using dvhpc::test::add_read;
using dvhpc::test::cigar_string;

namespace {

std::vector<uint32_t> ops(const std::string& cigar) {
  ReadBatch b;
  add_read(b, 0, cigar, "");
  return b.cigar;
}

std::string str(const std::vector<uint32_t>& c) { return cigar_string(c.data(), c.size()); }

assembly::ReadFragment cut(const std::string& cigar, int64_t pos, int64_t a, int64_t b, bool expect = true) {
  const auto c = ops(cigar);
  assembly::ReadFragment f;
  CHECK(assembly::cut_fragment(c.data(), c.size(), pos, a, b, f) == expect);
  return f;
}

}  // namespace

TEST_CASE("read_fragment: a short read inside the cut is whole, both ends free") {
  const auto f = cut("5S50M2I40M5S", 500, 300, 900);
  CHECK(f.qb == 0);
  CHECK(f.qe == 102);
  CHECK(f.left_free);
  CHECK(f.right_free);
  CHECK(f.pos == 500);
  CHECK(f.end == 590);
  CHECK(str(f.cigar) == "5S50M2I40M5S");
}

TEST_CASE("read_fragment: a long read is cut at the first and last aligned bases inside") {
  auto f = cut("1000M", 0, 400, 600);
  CHECK(f.qb == 400);
  CHECK(f.qe == 600);
  CHECK_FALSE(f.left_free);
  CHECK_FALSE(f.right_free);
  CHECK(f.pos == 400);
  CHECK(f.end == 600);
  CHECK(str(f.cigar) == "200M");
  // A deletion across the cut stays with the outside part.
  f = cut("395M10D100M3I200M10D300M", 0, 400, 700);
  CHECK(f.qb == 395);
  CHECK(f.pos == 405);
  CHECK(str(f.cigar) == "100M3I195M");  // the last base inside is at 699
  CHECK(f.qe == 395 + 100 + 3 + 195);
  CHECK(f.end == 700);
  // Clipped bases that would lie inside come along; the rest stay clipped.
  f = cut("100S200M300S", 450, 400, 700);
  CHECK(f.left_free);
  CHECK(f.right_free);
  CHECK(f.qb == 50);
  CHECK(f.qe == 350);
  CHECK(str(f.cigar) == "50S200M50S");
  // Nothing aligned inside: nothing to realign.
  cut("100M", 0, 200, 300, false);
  cut("10M500D10M", 0, 100, 400, false);
}

TEST_CASE("read_fragment: a new alignment joins only where the old one met the rest") {
  const auto f = cut("1000M", 0, 400, 600);
  CHECK(assembly::joins(f, 400, ops("200M")));
  CHECK(assembly::joins(f, 400, ops("60M2I40M2D98M")));
  CHECK_FALSE(assembly::joins(f, 401, ops("199M")));        // starts elsewhere
  CHECK_FALSE(assembly::joins(f, 400, ops("4S196M")));      // clips an inner end
  CHECK_FALSE(assembly::joins(f, 400, ops("100M4D100M")));  // ends elsewhere
  const auto whole = cut("50M", 500, 300, 900);
  CHECK(assembly::joins(whole, 510, ops("5S45M")));  // free ends may move and clip
}

TEST_CASE("read_fragment: splicing keeps the bases outside the fragment as they were") {
  std::vector<uint32_t> c = ops("395M10D100M3I200M10D300M");
  int64_t pos = 0;
  // The fragment [395, 693) realigned with its insertion moved left.
  assembly::splice_fragment(pos, c, 395, 693, false, 405, ops("90M3I205M"));
  CHECK(pos == 0);
  CHECK(str(c) == "395M10D90M3I210M10D300M");
  CHECK(assembly::ref_end_of(pos, c.data(), c.size()) == 1015);
  // A free left end moves the read's start; the leading clip merges.
  c = ops("100S200M300S");
  pos = 450;
  assembly::splice_fragment(pos, c, 50, 350, true, 440, ops("10S250M40S"));
  CHECK(pos == 440);
  CHECK(str(c) == "60S250M290S");
}

namespace {

// Two repeats far apart (more than two flanks), each with a het insertion;
// long reads cross both and the "aligner" put each insertion anywhere
// along its repeat.
constexpr int64_t kR1 = 1500, kR2 = 3800, kLen = 3000;
const std::string kUnit1 = "GATA", kUnit2 = "CAG";

std::string long_ref() {
  std::mt19937 rng(11);
  std::string s;
  for (int i = 0; i < 6000; ++i) s.push_back("ACGT"[rng() % 4]);
  s.replace(kR1 - 1, 23, "C" + std::string("GATAGATAGATAGATAGATA") + "CC");
  s.replace(kR2 - 1, 21, "T" + std::string("CAGCAGCAGCAGCAGCAG") + "TT");
  return s;
}

}  // namespace

TEST_CASE("read_fragment: long reads are realigned in every window they cross") {
  const std::string ref = long_ref();
  const std::string ins1 = kUnit1 + kUnit1, ins2 = kUnit2 + kUnit2;
  const std::string alt = ref.substr(0, kR1) + ins1 + ref.substr(kR1, kR2 - kR1) + ins2 + ref.substr(kR2);
  ReadBatch b;
  std::vector<uint64_t> alt_reads;
  int k = 0;
  for (int64_t s = 900; s < kR1 - 40; s += 10, ++k) {  // every read crosses both repeats
    if (k % 2) {
      add_read(b, s, std::to_string(kLen) + "M", ref.substr(static_cast<size_t>(s), kLen));
      continue;
    }
    // Alt read from reference position s: both insertions inside it.
    const int64_t j1 = 4 * (k / 2 % 6), j2 = 3 * (k / 2 % 7);  // where the aligner put them
    const int64_t m1 = kR1 + j1 - s, m2 = kR2 + j2 - (kR1 + j1);
    const int64_t m3 = kLen - 8 - 6 - m1 - m2;
    REQUIRE(m3 > 30);
    add_read(b, s, std::to_string(m1) + "M8I" + std::to_string(m2) + "M6I" + std::to_string(m3) + "M",
             alt.substr(static_cast<size_t>(s), kLen));
    alt_reads.push_back(b.name_hash.back());
  }
  REQUIRE(alt_reads.size() >= 20);
  const ReadBatch before = b;
  const RealignStats st = realign_reads(b, ref, 0, AssemblyConfig{}, 10);
  CHECK(st.windows == 2);
  CHECK(st.with_alts == 2);
  int checked = 0;
  for (size_t r = 0; r < b.size(); ++r) {
    const std::string c = cigar_string(b.cigar.data() + b.cigar_offset[r], b.cigar_offset[r + 1] - b.cigar_offset[r]);
    CHECK(b.seq_offset[r + 1] - b.seq_offset[r] == static_cast<uint64_t>(kLen));
    CHECK(b.end[r] == assembly::ref_end_of(b.pos[r], b.cigar.data() + b.cigar_offset[r],
                                           b.cigar_offset[r + 1] - b.cigar_offset[r]));
    if (std::find(alt_reads.begin(), alt_reads.end(), b.name_hash[r]) == alt_reads.end()) {
      CHECK(c == std::to_string(kLen) + "M");  // reference reads are left alone
      continue;
    }
    // Both insertions leftmost in their repeat, whatever the aligner did.
    const int64_t m1 = kR1 - b.pos[r], m2 = kR2 - kR1;
    CHECK(c == std::to_string(m1) + "M8I" + std::to_string(m2) + "M6I" + std::to_string(kLen - 14 - m1 - m2) + "M");
    ++checked;
  }
  CHECK(checked == static_cast<int>(alt_reads.size()));
  CHECK(st.reads_realigned > static_cast<int64_t>(alt_reads.size()) / 2);
}
