// Simulated long reads: length distributions, error rates and where the
// errors fall (homopolymers), qualities that tell errors apart, CIGARs an
// aligner would write.
#include <doctest/doctest.h>
#include <htslib/sam.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "dvhpc/error.hpp"
#include "dvhpc/sim/haplotype.hpp"
#include "dvhpc/sim/long_reads.hpp"

using namespace dvhpc::sim;

namespace {

// A genome whose homopolymer spectrum is like human sequence's: run lengths
// geometric with mean ~1.6 (human: about a third of bases sit in runs >= 2).
std::string runs_genome(int64_t n, uint64_t seed) {
  SimRng rng(seed);
  std::string s;
  char last = 'N';
  while (static_cast<int64_t>(s.size()) < n) {
    char c = last;
    while (c == last) c = "ACGT"[rng.below(4)];
    const int64_t run = 1 + rng.geometric(0.62);
    s.append(static_cast<size_t>(std::min<int64_t>(run, 30)), c);
    last = c;
  }
  s.resize(static_cast<size_t>(n));
  return s;
}

struct Tally {
  int64_t bases = 0, sub = 0, ins = 0, del = 0, hp_indel = 0, misplaced = 0;
  double q_ok = 0, q_err = 0;
  int64_t n_ok = 0, n_err = 0;
  double rate() const { return static_cast<double>(sub + ins + del) / static_cast<double>(bases); }
};

// Compares read r with ref (ref[0] at reference 0) base by base along its CIGAR.
void tally(const SimRead& r, const std::string& ref, Tally& t) {
  int64_t rp = r.pos, qp = 0;
  auto at = [&](int64_t p) { return p >= 0 && p < static_cast<int64_t>(ref.size()) ? ref[static_cast<size_t>(p)] : 'N'; };
  for (const uint32_t op : r.cigar) {
    const int len = static_cast<int>(bam_cigar_oplen(op));
    switch (bam_cigar_op(op)) {
      case BAM_CMATCH:
        for (int i = 0; i < len; ++i, ++rp, ++qp) {
          const bool err = r.seq[static_cast<size_t>(qp)] != at(rp);
          ++t.bases;
          t.sub += err;
          (err ? t.q_err : t.q_ok) += r.qual[static_cast<size_t>(qp)];
          ++(err ? t.n_err : t.n_ok);
        }
        break;
      case BAM_CINS: {
        const char c = r.seq[static_cast<size_t>(qp)];
        // In a homopolymer: the inserted base extends the run that follows.
        const bool hp = c == at(rp);
        t.hp_indel += hp;
        t.misplaced += hp && at(rp - 1) == c;  // not at the run's left end
        t.ins += len, t.bases += len, qp += len;
        break;
      }
      case BAM_CDEL: {
        const bool hp = at(rp) == at(rp + len);
        t.hp_indel += hp;
        t.misplaced += hp && at(rp - 1) == at(rp);
        t.del += len, rp += len;
        break;
      }
      default: FAIL("unexpected CIGAR op " << bam_cigar_op(op));
    }
  }
}

Tally simulate_many(const std::string& model, double error_rate, int reads, uint64_t seed) {
  const std::string ref = runs_genome(400000, seed);
  const Haplotype h = build_haplotype(ref, 0, {}, 0);
  const LongReadProfile p = LongReadProfile::make(model, 8000, error_rate);
  SimRng rng(seed + 1);
  SimRead r;
  std::vector<int64_t> scratch;
  Tally t;
  for (int i = 0; i < reads; ++i) {
    const int64_t start = static_cast<int64_t>(rng.below(ref.size() - 30000));
    REQUIRE(sequence_long_read(h, start, p.draw_length(rng), p, rng, r, scratch));
    // What an aligner would write: starts and ends aligned, lengths agree.
    REQUIRE(bam_cigar_op(r.cigar.front()) == BAM_CMATCH);
    REQUIRE(bam_cigar_op(r.cigar.back()) == BAM_CMATCH);
    REQUIRE(static_cast<int64_t>(bam_cigar2qlen(static_cast<int>(r.cigar.size()), r.cigar.data())) ==
            static_cast<int64_t>(r.seq.size()));
    REQUIRE(r.end - r.pos == bam_cigar2rlen(static_cast<int>(r.cigar.size()), r.cigar.data()));
    tally(r, ref, t);
  }
  return t;
}

}  // namespace

TEST_CASE("long reads: HiFi lengths are narrow around 16 kb, ONT broad with a long tail") {
  auto stats = [](const LongReadProfile& p) {
    SimRng rng(3);
    std::vector<int64_t> l;
    for (int i = 0; i < 4000; ++i) l.push_back(p.draw_length(rng));
    std::sort(l.begin(), l.end());
    for (const int64_t x : l) {
      CHECK(x >= p.min_length);
      CHECK(x <= p.max_length);
    }
    return std::vector<double>{double(l[2000]), double(l[3000]) / double(l[1000]), double(l[3960])};
  };
  const auto hifi = stats(LongReadProfile::make("hifi"));
  const auto ont = stats(LongReadProfile::make("ont"));
  CHECK(hifi[0] == doctest::Approx(16000).epsilon(0.05));
  CHECK(ont[0] == doctest::Approx(18000).epsilon(0.08));
  CHECK(hifi[1] < 1.5);  // interquartile ratio: size-selected
  CHECK(ont[1] > 2.0);
  CHECK(ont[2] > 2.5 * hifi[2]);  // the 99th percentile
  CHECK(stats(LongReadProfile::make("hifi", 5000))[0] == doctest::Approx(5000).epsilon(0.05));
  CHECK_THROWS_AS(LongReadProfile::make("sanger"), dvhpc::Error);
}

TEST_CASE("long reads: HiFi ~0.1% and ONT ~1% errors, mostly homopolymer indels, left-aligned") {
  const Tally hifi = simulate_many("hifi", 0, 150, 7);
  const Tally ont = simulate_many("ont", 0, 150, 8);
  INFO("hifi rate " << hifi.rate() << " (sub " << hifi.sub << " ins " << hifi.ins << " del " << hifi.del
                    << "), ont rate " << ont.rate() << " (sub " << ont.sub << " ins " << ont.ins << " del " << ont.del
                    << ")");
  CHECK(hifi.bases > 1000000);
  CHECK(hifi.rate() > 0.0006);
  CHECK(hifi.rate() < 0.0015);
  CHECK(ont.rate() > 0.006);
  CHECK(ont.rate() < 0.015);
  for (const Tally* t : {&hifi, &ont}) {
    // Most indel errors are homopolymer length errors, each at its run's left end.
    CHECK(t->hp_indel > (t->ins + t->del) * 2 / 3);
    CHECK(t->misplaced == 0);
  }
  CHECK(hifi.hp_indel > hifi.sub);  // HiFi: most errors of all
  CHECK(ont.sub > ont.hp_indel / 2);  // ONT R10: substitutions a good part too
  CHECK(ont.del > ont.ins);  // ONT loses bases in runs more often than it gains them
  // Qualities carry the errors: wrong bases are far less confident.
  CHECK(hifi.q_err / hifi.n_err < hifi.q_ok / hifi.n_ok - 15);
  CHECK(ont.q_err / ont.n_err < ont.q_ok / ont.n_ok - 8);
  // The override scales every kind of error together.
  const Tally hifi4 = simulate_many("hifi", 0.004, 150, 7);
  CHECK(hifi4.rate() > 3 * hifi.rate());
  CHECK(hifi4.rate() < 5 * hifi.rate());
}

TEST_CASE("long reads: planted variants show in the CIGAR, reads stop at the haplotype's end") {
  std::string ref = runs_genome(60000, 21);
  // A SNP, a 5 bp insertion and a 7 bp deletion, homozygous.
  std::vector<SimVariant> vars;
  SimVariant snp;
  snp.pos = 20000, snp.ref = ref.substr(20000, 1), snp.alts = {ref[20000] == 'A' ? "C" : "A"}, snp.gt = {1, 1};
  SimVariant ins;
  ins.pos = 30000, ins.ref = ref.substr(30000, 1), ins.alts = {ins.ref + "GTCAG"}, ins.gt = {1, 1};
  SimVariant del;
  del.pos = 40000, del.ref = ref.substr(40000, 8), del.alts = {ref.substr(40000, 1)}, del.gt = {1, 1};
  vars = {snp, ins, del};
  const Haplotype h = build_haplotype(ref, 0, vars, 0);
  const LongReadProfile p = LongReadProfile::make("hifi", 0, 1e-9);  // practically error-free
  SimRng rng(5);
  SimRead r;
  std::vector<int64_t> scratch;
  REQUIRE(sequence_long_read(h, h.index_at(15000), 30000, p, rng, r, scratch));
  CHECK(r.pos == 15000);
  char cig[64];
  std::string s;
  for (const uint32_t op : r.cigar) {
    std::snprintf(cig, sizeof cig, "%u%c", bam_cigar_oplen(op), BAM_CIGAR_STR[bam_cigar_op(op)]);
    s += cig;
  }
  CHECK(s == "15001M5I10000M7D4994M");
  CHECK(r.seq[5000] != ref[20000]);
  // Near the end only what is left is read; too little left is no read.
  REQUIRE(sequence_long_read(h, h.index_at(55000), 30000, p, rng, r, scratch));
  CHECK(r.end == 60000);
  CHECK_FALSE(sequence_long_read(h, h.index_at(59500), 30000, p, rng, r, scratch));
}
