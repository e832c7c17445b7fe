#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "dvhpc/error.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "test_util.hpp"

using namespace dvhpc;
namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kHeader = {
    "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">",
    "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">"};
const std::vector<VcfContig> kContigs = {{"chr1", 1000}, {"chr2", 500}};

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}
}  // namespace

TEST_CASE("VcfWriter writes a valid, indexed, bgzipped VCF only on finish()") {
  test::TempDir d;
  std::string path = d.file("out.vcf.gz");
  {
    VcfWriter w(path, kHeader, kContigs, {"S1"});
    w.write_block("chr1\t10\t.\tA\tG\t30\tPASS\tDP=12\tGT\t0/1\nchr1\t20\t.\tAC\tA\t20\tPASS\tDP=9\tGT\t1/1\n");
    w.write_block("chr2\t5\t.\tT\tTA,C\t10\tPASS\t.\tGT\t1/2\n");
    CHECK_FALSE(fs::exists(path));  // nothing under the final name yet
    w.finish();
    CHECK(w.records() == 3);
  }
  REQUIRE(fs::exists(path));
  REQUIRE(fs::exists(path + ".tbi"));
  for (const auto& e : fs::directory_iterator(d.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  if (std::system("command -v bcftools >/dev/null 2>&1") != 0) return;
  CHECK(run("bcftools view -H " + path + " | wc -l") == "3\n");
  CHECK(run("bcftools view -H -r chr2 " + path + " | cut -f2,4,5") == "5\tT\tTA,C\n");
  CHECK(run("bcftools query -l " + path) == "S1\n");
}

TEST_CASE("VcfWriter leaves nothing behind when it is not finished") {
  test::TempDir d;
  std::string path = d.file("x.vcf.gz");
  {
    VcfWriter w(path, kHeader, kContigs, {});
    w.write_block("chr1\t10\t.\tA\tG\t30\tPASS\tDP=12\n");
    // destroyed without finish(), as when an exception unwinds
  }
  CHECK(fs::is_empty(d.path()));
}

TEST_CASE("VcfWriter rejects malformed records and unwritable destinations") {
  test::TempDir d;
  VcfWriter w(d.file("y.vcf.gz"), kHeader, kContigs, {});
  CHECK_THROWS_AS(w.write_block("chrUnknown\t10\t.\tA\tG\t30\tPASS\t.\n"), Error);
  try {
    VcfWriter bad(d.file("no/such/dir/z.vcf.gz"), kHeader, kContigs, {});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Output);
    CHECK(std::string(e.what()).find("no/such/dir") != std::string::npos);
  }
}
