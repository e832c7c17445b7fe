// `dvhpc simulate` output checked by independent tools: samtools reads the
// BAM, and bcftools, calling variants from it, finds the planted SNPs.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/test_util.hpp"

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  if (FILE* p = ::popen((cmd + " 2>&1").c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

bool have(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

std::set<std::string> lines(const std::string& text) {
  std::set<std::string> s;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) s.insert(l);
  return s;
}

}  // namespace

TEST_CASE("simulate: samtools accepts the BAM and bcftools finds >= 98% of the planted SNPs") {
  if (!have("samtools") || !have("bcftools")) {
    MESSAGE("SKIP: samtools or bcftools not installed");
    return;
  }
  dvhpc::test::TempDir dir;
  const std::string p = dir.file("s");
  std::string cfg = dir.write("sim.yaml",
                              "output: " + p + "\nprogress: false\nsample: NA0\nsimulate:\n  genome_length: 200000\n"
                              "  coverage: 30\n  seed: 3\n  indel_rate: 0.0002\n");
  std::string log = run(std::string(DVHPC_BINARY) + " simulate " + cfg);
  INFO(log);
  REQUIRE(std::ifstream(p + ".bam").good());
  CHECK(run("samtools quickcheck -v " + p + ".bam && echo OK") == "OK\n");
  std::string header = run("samtools view -H " + p + ".bam");
  CHECK(header.find("SO:coordinate") != std::string::npos);
  CHECK(header.find("\tSM:NA0") != std::string::npos);
  CHECK(header.find("@SQ\tSN:sim1\tLN:200000") != std::string::npos);
  std::string flagstat = run("samtools flagstat " + p + ".bam");
  INFO(flagstat);
  CHECK(flagstat.find("properly paired (100.00%") != std::string::npos);
  CHECK(flagstat.find("0 + 0 singletons") != std::string::npos);
  CHECK(flagstat.find("primary mapped (100.00%") != std::string::npos);
  // The index works: a region query returns reads.
  CHECK(std::atoi(run("samtools view -c " + p + ".bam sim1:100000-100100").c_str()) > 20);

  run("bcftools mpileup -f " + p + ".fa " + p + ".bam -Ou | bcftools call -mv -Oz -o " + p + ".calls.vcf.gz");
  const std::string q = " -f '%CHROM %POS %REF %ALT\\n' ";
  auto truth = lines(run("bcftools view -v snps " + p + ".truth.vcf.gz | bcftools query" + q));
  auto calls = lines(run("bcftools view -v snps " + p + ".calls.vcf.gz | bcftools query" + q));
  size_t found = 0;
  for (const auto& t : truth) found += calls.count(t);
  INFO(found << " of " << truth.size() << " planted SNPs called; " << calls.size() << " SNP calls");
  CHECK(truth.size() > 150);
  CHECK(static_cast<double>(found) >= 0.98 * static_cast<double>(truth.size()));
  // And few false SNPs: sequencing errors at 30x should not look like variants.
  CHECK(static_cast<double>(calls.size() - found) <= 0.02 * static_cast<double>(truth.size()) + 2);
}
