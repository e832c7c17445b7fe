// Joint genotyping on hand-made gVCF records: alleles of different REF
// lengths at one position are unified, each sample's PLs are mapped onto
// the unified alleles (an allele it lacks through its <*>), a sample with
// only a reference block is hom-ref, a sample with no data is missing.
#include <doctest/doctest.h>

#include "src/joint/joint_genotyper.hpp"

using namespace dvhpc;

namespace {
GvcfRecord site(int64_t pos, std::string ref, std::string alt, int a1, int a2, std::vector<int> pl) {
  GvcfRecord r;
  r.pos = pos;
  r.end = pos + static_cast<int64_t>(ref.size());
  r.ref = std::move(ref);
  r.alts = {std::move(alt)};
  r.star = 2;
  r.a1 = a1;
  r.a2 = a2;
  r.pl = std::move(pl);
  return r;
}
GvcfRecord block(int64_t begin, int64_t end, int gq) {
  GvcfRecord r;
  r.pos = begin;
  r.end = end;
  r.block = true;
  r.ref = "A";
  r.star = 1;
  r.a1 = r.a2 = 0;
  r.gq = gq;
  r.block_pl = {0, gq, 2 * gq};
  return r;
}
SampleRecords records(std::vector<GvcfRecord> v) {
  SampleRecords out;
  for (auto& r : v) out.add(std::move(r));
  return out;
}
}  // namespace

TEST_CASE("joint genotyping unifies alleles and maps likelihoods") {
  std::vector<SampleRecords> recs(4);
  recs[0] = records({block(50, 100, 30), site(100, "AC", "A", 0, 1, {30, 0, 40, 50, 45, 90}), block(102, 300, 30)});
  recs[1] = records({site(100, "A", "G", 1, 1, {60, 30, 0, 70, 40, 80}), block(101, 300, 30)});
  recs[2] = records({block(90, 200, 40)});
  // recs[3]: no data at all
  const auto sites = joint_genotype(Region{"chr1", 0, 1000}, recs);
  REQUIRE(sites.size() == 1);
  const JointSite& s = sites[0];
  CHECK(s.pos == 100);
  CHECK(s.ref == "AC");
  REQUIRE(s.alts == std::vector<std::string>{"A", "GC"});
  CHECK(s.pl[0] == std::vector<int>{30, 0, 40, 50, 45, 90});
  CHECK(s.pl[1] == std::vector<int>{60, 70, 80, 30, 40, 0});
  CHECK(s.pl[2] == std::vector<int>{0, 40, 80, 40, 80, 80});
  CHECK(s.pl[3].empty());
  CHECK((s.a1[0] == 0 && s.a2[0] == 1));
  CHECK((s.a1[1] == 2 && s.a2[1] == 2));
  CHECK((s.a1[2] == 0 && s.a2[2] == 0));
  CHECK(s.a1[3] == -1);
  CHECK(s.qual > 30);
  const std::string line = joint_vcf_record(s);
  CHECK(line.find("chr1\t101\t.\tAC\tA,GC\t") == 0);
  CHECK(line.find("AC=1,2;AN=6;") != std::string::npos);
  CHECK(line.find("CR=0.75") != std::string::npos);
  CHECK(line.find("\t./.:.:.\n") != std::string::npos);
}

TEST_CASE("joint genotyping drops sites nobody carries after pooling and sites outside the region") {
  std::vector<SampleRecords> recs(2);
  recs[0] = records({site(10, "A", "T", 0, 1, {20, 0, 60})});  // a weak het at 10
  recs[1] = records({site(2000, "A", "T", 1, 1, {90, 60, 0})});
  const auto sites = joint_genotype(Region{"chr1", 0, 1000}, recs);
  REQUIRE(sites.size() == 1);  // the site at 2000 belongs to another region
  CHECK(sites[0].pos == 10);
  CHECK(sites[0].a1[1] == -1);  // sample 1 has no data at 10
}

// A sample whose called deletion spans another sample's SNV has the `*`
// allele there (not missing), its likelihoods projected from the deletion
// record: the deleting allele -> *, REF -> REF, its <*> -> the SNV's ALT.
TEST_CASE("joint genotyping gives a spanning deletion the * allele") {
  std::vector<SampleRecords> recs(3);
  recs[0] = records({block(50, 100, 30), site(100, "ACGT", "A", 0, 1, {40, 0, 50, 60, 45, 99}), block(104, 300, 30)});
  recs[1] = records({block(50, 102, 30), site(102, "G", "T", 0, 1, {30, 0, 40, 50, 45, 90}), block(103, 300, 30)});
  recs[2] = records({block(90, 200, 40)});
  const auto sites = joint_genotype(Region{"chr1", 0, 1000}, recs);
  REQUIRE(sites.size() == 2);
  const JointSite& d = sites[0];
  CHECK(d.pos == 100);
  CHECK(d.alts == std::vector<std::string>{"A"});
  CHECK((d.a1[0] == 0 && d.a2[0] == 1));
  // At the SNV, sample 0's deletion spans it (and 1 is not missing).
  const JointSite& s = sites[1];
  CHECK(s.pos == 102);
  REQUIRE(s.alts == std::vector<std::string>{"T", "*"});
  CHECK(s.pl[0] == std::vector<int>{40, 60, 99, 0, 45, 50});
  CHECK((s.a1[0] == 0 && s.a2[0] == 2));
  CHECK(s.pl[1] == std::vector<int>{30, 0, 40, 50, 45, 90});
  CHECK((s.a1[1] == 0 && s.a2[1] == 1));
  CHECK((s.a1[2] == 0 && s.a2[2] == 0));
  CHECK(joint_vcf_record(s).find("chr1\t103\t.\tG\tT,*\t") == 0);
  // Sample 0 hom-ref at the deletion: no *, and its PLs still come from the record.
  recs[0].sites[0].a2 = 0;
  const auto again = joint_genotype(Region{"chr1", 0, 1000}, recs);
  REQUIRE(again.size() == 1);
  CHECK(again[0].alts == std::vector<std::string>{"T"});
  CHECK(!again[0].pl[0].empty());
}
