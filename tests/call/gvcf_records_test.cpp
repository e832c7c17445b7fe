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
