// De Bruijn haplotype assembly (src/assembly/debruijn.hpp) on windows whose
// true haplotypes are known: reads are error-free tiles of the reference and
// of mutated copies of it, so the expected haplotype set is exact; then the
// filters (edge weight, base quality, N), the choice of k in repeats, the
// bounds (max_haplotypes, path explosion) and order independence.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "src/assembly/debruijn.hpp"

using namespace dvhpc::assembly;

namespace {

using Haps = std::vector<std::string>;

std::string random_seq(std::mt19937& rng, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "ACGT"[rng() % 4];
  return s;
}

// Reads owning their bases (codes 0..4) and qualities.
struct Reads {
  std::vector<std::vector<uint8_t>> bases, quals;
  void add(const std::string& seq, std::vector<uint8_t> q = {}) {
    std::vector<uint8_t> b;
    for (char c : seq) b.push_back(static_cast<uint8_t>(std::string("ACGTN").find(c)));
    if (q.empty()) q.assign(seq.size(), 30);
    bases.push_back(std::move(b));
    quals.push_back(std::move(q));
  }
  std::vector<ReadSeq> view() const {
    std::vector<ReadSeq> v;
    for (size_t i = 0; i < bases.size(); ++i) v.push_back({bases[i].data(), quals[i].data(), bases[i].size()});
    return v;
  }
};

// (start, sequence) of reads of length len every `step` bases along hap, the last one flush with its end.
std::vector<std::pair<size_t, std::string>> tiles(const std::string& hap, size_t len, size_t step) {
  std::vector<std::pair<size_t, std::string>> out;
  for (size_t s = 0;; s += step) {
    s = std::min(s, hap.size() - len);
    out.push_back({s, hap.substr(s, len)});
    if (s + len == hap.size()) return out;
  }
}

void tile(Reads& r, const std::string& hap, size_t len = 50, size_t step = 5) {
  for (const auto& t : tiles(hap, len, step)) r.add(t.second);
}

// `s` with each base at `pos` changed to the next one in ACGT order (T -> A).
std::string with_snps(const std::string& s, const std::vector<size_t>& pos) {
  std::string out = s;
  for (size_t p : pos) out[p] = "CGTA"[std::string("ACGT").find(s[p])];
  return out;
}

AssemblyResult run(const std::string& ref, const Reads& r, const AssemblyParams& p = {}) {
  return assemble(ref, r.view(), p);
}

}  // namespace

TEST_CASE("assembly: reads identical to the reference give only the reference") {
  std::mt19937 rng(1);
  const std::string ref = random_seq(rng, 120);
  Reads r;
  tile(r, ref);
  const AssemblyResult a = run(ref, r);
  CHECK(a.ok);
  CHECK(a.k == 10);
  CHECK(a.haplotypes == Haps{ref});
  CHECK(run(ref, Reads{}).haplotypes == Haps{ref});  // no reads at all: still the reference
}

TEST_CASE("assembly: a SNP carried by half the reads gives the SNP haplotype") {
  std::mt19937 rng(2);
  const std::string ref = random_seq(rng, 120), alt = with_snps(ref, {60});
  Reads r;
  tile(r, ref, 50, 10);
  tile(r, alt, 50, 10);
  AssemblyResult a = run(ref, r);
  CHECK(a.ok);
  CHECK(a.k == 10);
  CHECK(a.haplotypes == Haps{ref, alt});
  // Homozygous: no read supports the reference branch, which stays (finite score) but ranks nothing above alt.
  Reads hom;
  tile(hom, alt, 50, 10);
  a = run(ref, hom);
  CHECK(a.haplotypes == Haps{ref, alt});
  // k-mers longer than 32 bases span both packed words.
  Reads longer;
  tile(longer, ref, 90, 5);
  tile(longer, alt, 90, 5);
  for (int k : {31, 32, 33, 47, 64}) {
    CAPTURE(k);
    AssemblyParams p;
    p.k_min = k;
    a = run(ref, longer, p);
    CHECK(a.k == k);
    // At k = 64 the SNP (base 60) lies in the first k-mer, which every haplotype shares with the reference.
    CHECK(a.haplotypes == (k < 60 ? Haps{ref, alt} : Haps{ref}));
  }
}

TEST_CASE("assembly: a 10 bp insertion and a 12 bp deletion are assembled exactly") {
  std::mt19937 rng(3);
  const std::string ref = random_seq(rng, 150);
  std::string alt;
  SUBCASE("insertion") { alt = ref.substr(0, 70) + random_seq(rng, 10) + ref.substr(70); }
  SUBCASE("deletion") { alt = ref.substr(0, 65) + ref.substr(77); }
  Reads r;
  tile(r, ref, 60, 6);
  tile(r, alt, 60, 6);
  const AssemblyResult a = run(ref, r);
  CHECK(a.ok);
  CHECK(a.haplotypes == Haps{ref, alt});
}

TEST_CASE("assembly: an insertion in a tandem repeat needs a larger k") {
  std::mt19937 rng(4);
  // Flanks end/start with C so the (GATA)n run is not extended by them.
  const std::string left = random_seq(rng, 40) + "C", right = "C" + random_seq(rng, 40);
  std::string unit6, unit7;
  for (int i = 0; i < 6; ++i) unit6 += "GATA";
  unit7 = unit6 + "GATA";
  const std::string ref = left + unit6 + right, alt = left + unit7 + right;
  Reads r;
  tile(r, ref, 70, 4);
  tile(r, alt, 70, 4);
  const AssemblyResult a = run(ref, r);
  CHECK(a.ok);
  // k = 10..18 repeat a k-mer in the 24 bp reference run; k = 22 does not, but
  // the 28 bp alt run does (a cycle); k = 26 is the first clean one.
  CHECK(a.k == 26);
  CHECK(a.haplotypes == Haps{ref, alt});
  AssemblyParams small;
  small.k_max = 22;
  CHECK_FALSE(run(ref, r, small).ok);
}

TEST_CASE("assembly: an alt seen in one read is pruned") {
  std::mt19937 rng(5);
  const std::string ref = random_seq(rng, 120), alt = with_snps(ref, {60});
  Reads r;
  tile(r, ref);
  r.add(alt.substr(35, 50));
  CHECK(run(ref, r).haplotypes == Haps{ref});
  AssemblyParams keep_all;
  keep_all.min_edge_weight = 1;
  CHECK(run(ref, r, keep_all).haplotypes == Haps{ref, alt});
  // A second read carrying it: weight 2, kept.
  r.add(alt.substr(30, 50));
  CHECK(run(ref, r).haplotypes == Haps{ref, alt});
}

TEST_CASE("assembly: bases below min_base_quality and N bases make no edges") {
  std::mt19937 rng(6);
  const std::string ref = random_seq(rng, 120);
  size_t pos = 60;
  while (ref[pos] == 'A') ++pos;  // so an N misread as code 0 (A) would show up as a SNP
  const std::string alt = with_snps(ref, {pos});
  Reads low, n_reads;
  tile(low, ref);
  tile(n_reads, ref);
  for (const auto& [start, seq] : tiles(alt, 50, 5)) {
    std::vector<uint8_t> q(seq.size(), 30);
    std::string n_seq = seq;
    if (pos >= start && pos < start + seq.size()) {
      q[pos - start] = 5;
      n_seq[pos - start] = 'N';
    }
    low.add(seq, q);
    n_reads.add(n_seq);
  }
  CHECK(run(ref, low).haplotypes == Haps{ref});
  AssemblyParams lenient;
  lenient.min_base_quality = 5;
  CHECK(run(ref, low, lenient).haplotypes == Haps{ref, alt});  // the same reads do carry it
  const AssemblyResult a = run(ref, n_reads);
  CHECK(a.ok);
  CHECK(a.haplotypes == Haps{ref});
  // An N in the reference window leaves no usable k.
  std::string ref_n = ref;
  ref_n[pos] = 'N';
  CHECK_FALSE(run(ref_n, n_reads).ok);
}

TEST_CASE("assembly: haplotypes are ordered by read support, ties by sequence") {
  std::mt19937 rng(10);
  const std::string ref = random_seq(rng, 120);
  std::string c = ref, g = ref;  // two alt alleles at one site
  const size_t pos = ref[60] == 'C' || ref[60] == 'G' ? 61 : 60;
  REQUIRE(ref[pos] != 'C');
  REQUIRE(ref[pos] != 'G');
  c[pos] = 'C';
  g[pos] = 'G';
  Reads more_c, more_g, equal;
  tile(more_c, ref, 50, 10);
  tile(more_g, ref, 50, 10);
  tile(equal, ref, 50, 10);
  tile(more_c, c, 50, 3);
  tile(more_c, g, 50, 10);
  tile(more_g, c, 50, 10);
  tile(more_g, g, 50, 3);
  tile(equal, c, 50, 5);
  tile(equal, g, 50, 5);
  CHECK(run(ref, more_c).haplotypes == Haps{ref, c, g});
  CHECK(run(ref, more_g).haplotypes == Haps{ref, g, c});
  CHECK(run(ref, equal).haplotypes == Haps{ref, c, g});
  // An insertion path is 10 edges longer than a SNP path at the same site:
  // the score must rank by read support, not by the number of edges.
  const std::string ins = ref.substr(0, pos + 1) + random_seq(rng, 10) + ref.substr(pos + 1);
  Reads snp_ins;
  tile(snp_ins, ref, 50, 10);
  tile(snp_ins, c, 50, 4);
  tile(snp_ins, ins, 50, 6);
  CHECK(run(ref, snp_ins).haplotypes == Haps{ref, c, ins});
}

TEST_CASE("assembly: the result does not depend on read order") {
  std::mt19937 rng(7);
  const std::string ref = random_seq(rng, 160);
  const std::string snps = with_snps(ref, {40, 110});
  const std::string ins = ref.substr(0, 80) + "GGTCA" + ref.substr(80);
  Reads r;
  tile(r, ref, 50, 7);
  tile(r, snps, 50, 7);
  tile(r, ins, 50, 9);
  const AssemblyResult a = run(ref, r), b = run(ref, r);
  REQUIRE(a.ok);
  CHECK(a.haplotypes.size() >= 3);
  CHECK(std::find(a.haplotypes.begin(), a.haplotypes.end(), ins) != a.haplotypes.end());
  CHECK(a.haplotypes == b.haplotypes);
  for (unsigned seed = 0; seed < 5; ++seed) {
    std::vector<size_t> idx(r.bases.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::mt19937 shuf(seed);
    std::shuffle(idx.begin(), idx.end(), shuf);
    Reads s;
    for (size_t i : idx) {
      s.bases.push_back(r.bases[i]);
      s.quals.push_back(r.quals[i]);
    }
    const AssemblyResult c = run(ref, s);
    CHECK(c.k == a.k);
    CHECK(c.haplotypes == a.haplotypes);
  }
}

TEST_CASE("assembly: max_haplotypes keeps the best-scoring ones") {
  std::mt19937 rng(8);
  const std::string ref = random_seq(rng, 150);
  // Four SNPs further apart than k: the graph cannot phase them, 2^4 paths.
  const std::string alt = with_snps(ref, {30, 55, 80, 105});
  Reads r;
  tile(r, ref, 50, 5);
  tile(r, alt, 50, 5);
  AssemblyParams p;
  p.max_haplotypes = 64;
  const AssemblyResult all = run(ref, r, p);
  REQUIRE(all.ok);
  CHECK(all.k == 10);
  REQUIRE(all.haplotypes.size() == 16);
  CHECK(all.haplotypes[0] == ref);
  for (size_t i = 1; i < all.haplotypes.size(); ++i) {
    const std::string& h = all.haplotypes[i];
    CHECK(h != ref);
    CHECK(h.compare(0, 10, ref, 0, 10) == 0);
    CHECK(h.compare(h.size() - 10, 10, ref, ref.size() - 10, 10) == 0);
    CHECK(std::count(all.haplotypes.begin(), all.haplotypes.end(), h) == 1);
  }
  CHECK(std::find(all.haplotypes.begin(), all.haplotypes.end(), alt) != all.haplotypes.end());
  p.max_haplotypes = 5;
  const AssemblyResult top = run(ref, r, p);
  CHECK(top.haplotypes == Haps(all.haplotypes.begin(), all.haplotypes.begin() + 5));
  p.max_haplotypes = 1;
  CHECK(run(ref, r, p).haplotypes == Haps{ref});
  // 2^8 paths: enough for the enumeration to drop candidates as it goes; the survivors are still the best.
  const std::string ref8 = random_seq(rng, 230);
  const std::string alt8 = with_snps(ref8, {20, 45, 70, 95, 120, 145, 170, 195});
  Reads r8;
  tile(r8, ref8, 50, 5);
  tile(r8, alt8, 50, 4);
  p.max_haplotypes = 300;
  const AssemblyResult all8 = run(ref8, r8, p);
  REQUIRE(all8.haplotypes.size() == 256);
  CHECK(all8.haplotypes[1] == alt8);  // alt reads outnumber ref reads at every SNP
  p.max_haplotypes = 3;
  CHECK(run(ref8, r8, p).haplotypes == Haps(all8.haplotypes.begin(), all8.haplotypes.begin() + 3));
}

TEST_CASE("assembly: a path explosion fails the k and a larger k resolves it") {
  std::mt19937 rng(9);
  const std::string ref = random_seq(rng, 210);
  std::vector<size_t> pos;
  for (size_t i = 0; i < 14; ++i) pos.push_back(20 + 12 * i);  // 2^14 paths at k = 10
  const std::string alt = with_snps(ref, pos);
  Reads r;
  tile(r, ref, 60, 5);
  tile(r, alt, 60, 5);
  AssemblyParams p;
  p.k_max = 10;
  CHECK_FALSE(run(ref, r, p).ok);
  const AssemblyResult a = run(ref, r);
  CHECK(a.ok);
  CHECK(a.k > 10);
  CHECK(a.haplotypes == Haps{ref, alt});
}
