#include <doctest/doctest.h>

#include <cmath>

#include "dvhpc/error.hpp"
#include "dvhpc/genotype_call.hpp"

using namespace dvhpc;

TEST_CASE("biallelic: the class probabilities are the genotype posterior") {
  GenotypeCall c = call_genotype(1, {{{1}, {0.05f, 0.9f, 0.05f}}});
  CHECK(c.allele1 == 0);
  CHECK(c.allele2 == 1);
  CHECK(c.posterior[genotype_index(0, 1)] == doctest::Approx(0.9));
  CHECK(c.gq == doctest::Approx(10.0));                       // -10 log10(0.1)
  CHECK(c.qual == doctest::Approx(-10 * std::log10(0.05)));   // 13.0
  REQUIRE(c.pl.size() == 3);
  CHECK(c.pl[1] == 0);
  CHECK(c.pl[0] == 13);
  CHECK(c.pl[2] == 13);

  GenotypeCall hom = call_genotype(1, {{{1}, {0.001f, 0.009f, 0.99f}}});
  CHECK(hom.allele1 == 1);
  CHECK(hom.allele2 == 1);
  CHECK(hom.is_variant());
  GenotypeCall ref = call_genotype(1, {{{1}, {0.999f, 0.001f, 0.0f}}});
  CHECK_FALSE(ref.is_variant());
  CHECK(ref.qual < 1.0);
  CHECK(ref.pl[2] == 100);  // floored at 1e-10 relative to 0.999
}

TEST_CASE("multi-allelic: alt subsets resolve a 1/2 genotype") {
  // Each alt alone looks het; the pair {1,2} says both copies are non-ref.
  std::vector<AltSetPrediction> p = {
      {{1}, {0.02f, 0.95f, 0.03f}}, {{2}, {0.03f, 0.94f, 0.03f}}, {{1, 2}, {0.01f, 0.04f, 0.95f}}};
  GenotypeCall c = call_genotype(2, p);
  CHECK(c.allele1 == 1);
  CHECK(c.allele2 == 2);
  CHECK(c.pl.size() == 6);
  CHECK(c.pl[genotype_index(1, 2)] == 0);
  double sum = 0;
  for (double x : c.posterior) sum += x;
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));

  // Without the pair, one strong alt and one absent alt: 0/1.
  GenotypeCall d = call_genotype(2, {{{1}, {0.02f, 0.96f, 0.02f}}, {{2}, {0.97f, 0.02f, 0.01f}}});
  CHECK(d.allele1 == 0);
  CHECK(d.allele2 == 1);
}

TEST_CASE("call_genotype rejects predictions that do not cover every alt") {
  CHECK_THROWS_AS(call_genotype(2, {{{1}, {0.3f, 0.4f, 0.3f}}}), Error);
  CHECK_THROWS_AS(call_genotype(1, {{{2}, {0.3f, 0.4f, 0.3f}}}), Error);
}
