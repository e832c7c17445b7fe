// eval against an independent oracle: `bcftools norm -m -any -f ref` on both
// sides, then `bcftools isec` (exact REF/ALT matching) gives TP/FP/FN that
// eval must reproduce from the raw, differently spelled inputs. The inputs are
// random indels, SNPs and multi-allelic sites on a repeat-rich random genome;
// the calls re-spell many truth variants (shifted inside repeats, padded).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "dvhpc/eval.hpp"
#include "eval/eval_fixtures.hpp"
#include "io/test_reads.hpp"  // write_fasta

using namespace dvhpc;
using dvhpc::test::TempDir;

namespace {

const char* kBases = "ACGT";

// Random sequence made of plain stretches, homopolymers and 2-3 bp repeats,
// so that many indels can be placed at several equivalent positions.
std::string repeat_rich_genome(std::mt19937& rng, size_t len) {
  std::string s;
  auto base = [&] { return kBases[rng() % 4]; };
  while (s.size() < len) {
    switch (rng() % 4) {
      case 0: for (unsigned i = 0, n = 5 + rng() % 10; i < n; ++i) s += base(); break;
      case 1: s += std::string(3 + rng() % 5, base()); break;
      default: {
        std::string unit;
        for (unsigned i = 0, n = 2 + rng() % 2; i < n; ++i) unit += base();
        for (unsigned i = 0, n = 2 + rng() % 2; i < n; ++i) s += unit;
      }
    }
  }
  s.resize(len);
  return s;
}

struct Site {
  int64_t pos0;  // 0-based
  std::string ref, alt, gt;
};

char other_base(std::mt19937& rng, char b) {
  char c;
  do c = kBases[rng() % 4];
  while (c == b);
  return c;
}

// A variant of `kind` at p: 0 SNP, 1 deletion, 2 insertion copying the next
// bases (a repeat expansion), 3 random insertion, 4 multi-allelic SNP.
Site make_site(const std::string& g, std::mt19937& rng, int64_t p, int kind, size_t k) {
  const auto up = static_cast<size_t>(p);
  Site s{p, g.substr(up, 1), "", rng() % 2 ? "0/1" : "1/1"};
  switch (kind) {
    case 0: s.alt = std::string(1, other_base(rng, g[up])); break;
    case 1: s.ref = g.substr(up, k + 1), s.alt = g.substr(up, 1); break;
    case 2: s.alt = g.substr(up, 1) + g.substr(up + 1, k); break;
    case 3: {
      s.alt = g.substr(up, 1);
      for (size_t i = 0; i < k; ++i) s.alt += kBases[rng() % 4];
      if (s.alt.substr(1) == std::string(k, g[up])) s.alt[1] = other_base(rng, g[up]);
      break;
    }
    default: {
      const char a = other_base(rng, g[up]);
      char b;
      do b = other_base(rng, g[up]);
      while (b == a);
      s.alt = std::string(1, a) + "," + b;
      s.gt = "1/2";
    }
  }
  return s;
}

std::string sites_vcf(const std::vector<Site>& sites, size_t len) {
  std::vector<std::string> body;
  for (const auto& s : sites)
    body.push_back("chr1\t" + std::to_string(s.pos0 + 1) + "\t.\t" + s.ref + "\t" + s.alt +
                   "\t50\tPASS\t.\tGT\t" + s.gt);
  return test::vcf_text({{"chr1", static_cast<int64_t>(len)}}, body);
}

// Counts SNP / INDEL records of a bcftools isec output VCF.
std::pair<int64_t, int64_t> count_types(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::pair<int64_t, int64_t> n{0, 0};
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    size_t a = 0, b;
    while ((b = line.find('\t', a)) != std::string::npos && f.size() < 5) f.push_back(line.substr(a, b - a)), a = b + 1;
    (f[3].size() == 1 && f[4].size() == 1 ? n.first : n.second)++;
  }
  return n;
}

}  // namespace

TEST_CASE("eval: TP/FP/FN agree with bcftools norm + isec on random repeat-rich cases") {
  if (std::system("bcftools --version > /dev/null 2>&1") != 0) {
    MESSAGE("SKIP: bcftools is not installed");
    return;
  }
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    TempDir dir;
    const size_t len = 4000;
    const std::string g = repeat_rich_genome(rng, len);
    std::vector<Site> truth, calls;
    for (int64_t p = 20; p + 40 < static_cast<int64_t>(len); p += 25 + rng() % 15) {
      const int kind = static_cast<int>(rng() % 5);
      const size_t k = 1 + rng() % 3;
      truth.push_back(make_site(g, rng, p, kind, k));
      const unsigned what = rng() % 10;
      if (what < 2) continue;  // missed: FN
      Site c = truth.back();
      if (what < 5 && kind != 0 && kind != 4) {
        c = make_site(g, rng, p + 1 + rng() % 2, kind, k);  // re-spelled (equivalent in repeats)
      } else if (what < 7 && (kind == 1 || kind == 2)) {
        const size_t end = static_cast<size_t>(c.pos0) + c.ref.size();
        c.ref += g[end], c.alt += g[end];  // padded with the next base
      } else if (what == 7 && kind == 0) {
        c.alt = std::string(1, other_base(rng, g[static_cast<size_t>(p)]));  // maybe another ALT
      }
      calls.push_back(c);
      if (rng() % 6 == 0) calls.push_back(make_site(g, rng, p + 12, static_cast<int>(rng() % 4), k));
    }
    EvalInputs in;
    in.reference = test::write_fasta(dir, "ref.fa", {{"chr1", g}});
    in.truth_vcf = test::write_vcf_gz(dir, "truth.vcf.gz", sites_vcf(truth, len));
    in.calls_vcf = test::write_vcf_gz(dir, "calls.vcf.gz", sites_vcf(calls, len));
    const EvalResult r = evaluate(in);
    REQUIRE(r.truth.ref_mismatch == 0);
    REQUIRE(r.calls.ref_mismatch == 0);
    REQUIRE(r.truth.duplicates == 0);  // isec would pair duplicates; keep the oracle simple
    REQUIRE(r.calls.duplicates == 0);

    const std::string d = dir.path();
    const std::string cmd =
        "cd " + d + " && for s in truth calls; do bcftools norm -m -any -c e -f ref.fa $s.vcf.gz "
        "-Oz -o $s.norm.vcf.gz 2>> norm.log && bcftools index -t $s.norm.vcf.gz || exit 1; done && "
        "bcftools isec -p isec truth.norm.vcf.gz calls.norm.vcf.gz 2>> norm.log";
    REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "bcftools failed; see " << d << "/norm.log");
    const auto fn = count_types(d + "/isec/0000.vcf");
    const auto fp = count_types(d + "/isec/0001.vcf");
    const auto tp = count_types(d + "/isec/0002.vcf");
    const EvalRow* snp = nullptr;
    const EvalRow* indel = nullptr;
    for (const auto& row : r.rows)
      if (row.filter == "ALL") (row.type == VariantType::SNP ? snp : indel) = &row;
    REQUIRE(snp);
    REQUIRE(indel);
    CHECK(snp->tp == tp.first);
    CHECK(snp->fp == fp.first);
    CHECK(snp->fn == fn.first);
    CHECK(indel->tp == tp.second);
    CHECK(indel->fp == fp.second);
    CHECK(indel->fn == fn.second);
    // The cases must exercise what they claim to: left-alignment happened
    // and both outcomes occur for indels.
    CHECK(r.calls.left_shifted > 0);
    CHECK(indel->tp > 0);
    CHECK(indel->fp + indel->fn > 0);
    MESSAGE("seed " << seed << ": SNP " << snp->tp << "/" << snp->fp << "/" << snp->fn << ", INDEL "
                    << indel->tp << "/" << indel->fp << "/" << indel->fn << ", calls left-aligned "
                    << r.calls.left_shifted);
  }
}
