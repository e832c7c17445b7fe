// The hom-ref confidence of gVCF reference blocks: the documented values of
// the counts model, and its monotonicity (more reference reads never lower
// the GQ; more non-reference reads never raise it).
#include <doctest/doctest.h>

#include "src/call/gvcf_records.hpp"

using namespace dvhpc;

TEST_CASE("gVCF hom-ref confidence from allele counts") {
  CHECK(hom_ref_confidence(0, 0).gq == 0);
  CHECK(hom_ref_confidence(10, 10).gq == 39);
  CHECK(hom_ref_confidence(30, 29).gq == 43);
  CHECK(hom_ref_confidence(30, 27).gq == 16);  // 3 other reads: not confident
  CHECK(hom_ref_confidence(50, 47).gq == 34);  // spread over several alleles: errors
  CHECK(hom_ref_confidence(50, 47, 3).gq == 19);  // 3 reads of one allele: never confident
  CHECK(hom_ref_confidence(200, 197, 3).gq == 19);
  CHECK(hom_ref_confidence(100, 100).gq == 99);  // capped
  const HomRefConfidence h = hom_ref_confidence(30, 30);
  CHECK(h.pl[0] == 0);
  CHECK(h.pl[1] > 0);
  CHECK(h.pl[2] > h.pl[1]);
  for (int n = 1; n <= 60; ++n)
    for (int r = 0; r < n; ++r) {
      CHECK(hom_ref_confidence(n, r + 1).gq >= hom_ref_confidence(n, r).gq);
      CHECK(hom_ref_confidence(n + 1, r).gq <= hom_ref_confidence(n, r).gq);  // one more non-ref read
    }
}

// A deletion of the previous shard reaching 3 bases into this one: the block
// under it is cut to start where the deletion ends (REF from the reference),
// one wholly under it goes, site records and later blocks stay as written.
TEST_CASE("gVCF head revised under an earlier shard's deletion") {
  const std::string text =
      "c\t101\t.\tA\t<*>\t0\t.\tEND=102\tGT:GQ:MIN_DP:PL\t0/0:30:10:0,30,300\n"
      "c\t103\t.\tC\tT,<*>\t20\t.\tQS=0.5,0.5,0\tGT:GQ:DP:AD:PL\t0/1:20:10:5,5,0:20,0,40,50,30,90\n"
      "c\t103\t.\tC\t<*>\t0\t.\tEND=110\tGT:GQ:MIN_DP:PL\t0/0:25:9:0,25,250\n"
      "c\t111\t.\tG\t<*>\t0\t.\tEND=120\tGT:GQ:MIN_DP:PL\t0/0:40:12:0,40,400\n";
  // covered_to = 104 (0-based exclusive): bases 100..103 lie under the deletion.
  const std::string out = gvcf_skip_covered(text, 104, [](int64_t pos) { return pos == 104 ? 'G' : '?'; });
  CHECK(out ==
        "c\t103\t.\tC\tT,<*>\t20\t.\tQS=0.5,0.5,0\tGT:GQ:DP:AD:PL\t0/1:20:10:5,5,0:20,0,40,50,30,90\n"
        "c\t105\t.\tG\t<*>\t0\t.\tEND=110\tGT:GQ:MIN_DP:PL\t0/0:25:9:0,25,250\n"
        "c\t111\t.\tG\t<*>\t0\t.\tEND=120\tGT:GQ:MIN_DP:PL\t0/0:40:12:0,40,400\n");
  // Nothing before covered_to: unchanged.
  CHECK(gvcf_skip_covered(text, 100, [](int64_t) { return 'A'; }) == text);
  // Reaching past the shard: every block goes, the site stays.
  CHECK(gvcf_skip_covered(text, 500, [](int64_t) { return 'A'; }) ==
        "c\t103\t.\tC\tT,<*>\t20\t.\tQS=0.5,0.5,0\tGT:GQ:DP:AD:PL\t0/1:20:10:5,5,0:20,0,40,50,30,90\n");
}
