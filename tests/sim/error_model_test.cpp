// Sequencing errors happen at the rate the base qualities claim.
#include <doctest/doctest.h>
#include <htslib/sam.h>

#include <cmath>
#include <map>

#include "dvhpc/sim/error_model.hpp"
#include "dvhpc/sim/haplotype.hpp"
#include "dvhpc/sim/paired_reads.hpp"

using namespace dvhpc::sim;

TEST_CASE("ErrorModel: qualities decline along the read, read 2 is worse") {
  ErrorModel em(150);
  auto mean_q = [&](int mate, int cycle) {
    double s = 0;
    for (int i = 0; i < 256; ++i) s += em.quality(mate, cycle, static_cast<uint64_t>(i));
    return s / 256;
  };
  CHECK(mean_q(0, 0) > mean_q(0, 149) + 5);
  CHECK(mean_q(0, 149) > mean_q(1, 149));
  CHECK(em.mean_error_prob(0, 149) > em.mean_error_prob(0, 0));
  for (int c = 0; c < 150; c += 37)
    for (int i = 0; i < 256; ++i) {
      int q = em.quality(0, c, static_cast<uint64_t>(i));
      CHECK(q >= ErrorModel::kMinQ);
      CHECK(q <= ErrorModel::kMaxQ);
    }
}

TEST_CASE("ErrorModel: observed mismatch rate per quality matches 10^(-Q/10)") {
  // A random reference without variants: every mismatch is a sequencing error.
  SimRng grng(11);
  std::string ref;
  for (int i = 0; i < 200000; ++i) ref += "ACGT"[grng.below(4)];
  Haplotype h = build_haplotype(ref, 0, {}, 0);
  ErrorModel em(150);
  SimRng rng(12);
  std::map<int, std::pair<int64_t, int64_t>> by_q;  // Q -> (bases, mismatches)
  SimRead r;
  std::vector<int64_t> scratch;
  int64_t indel_reads = 0;
  for (int n = 0; n < 8000; ++n) {
    int64_t start = static_cast<int64_t>(rng.below(ref.size() - 400));
    bool reverse = n % 2 == 1;
    if (!sequence_read(h, reverse ? start + 300 : start, reverse, n % 2, em, rng, r, scratch)) continue;
    // Walk the CIGAR to compare each read base with the reference base it is aligned to.
    int64_t rp = r.pos, qp = 0;
    for (uint32_t op : r.cigar) {
      int len = static_cast<int>(bam_cigar_oplen(op));
      switch (bam_cigar_op(op)) {
        case BAM_CMATCH:
          for (int i = 0; i < len; ++i, ++rp, ++qp) {
            auto& e = by_q[r.qual[static_cast<size_t>(qp)]];
            e.first++;
            e.second += r.seq[static_cast<size_t>(qp)] != ref[static_cast<size_t>(rp)];
          }
          break;
        case BAM_CINS: qp += len; ++indel_reads; break;
        case BAM_CDEL: rp += len; ++indel_reads; break;
      }
    }
  }
  int64_t total = 0, total_err = 0;
  double expected = 0, var = 0;
  int checked = 0;
  for (const auto& [q, e] : by_q) {
    double p = ErrorModel::error_prob(q);
    total += e.first;
    total_err += e.second;
    expected += e.first * p;
    var += e.first * p * (1 - p);
    if (e.first * p < 30) continue;  // too few expected errors to judge this bin alone
    double sd = std::sqrt(e.first * p * (1 - p));
    INFO("Q" << q << ": " << e.second << " errors in " << e.first << " bases, expected " << e.first * p);
    CHECK(std::abs(static_cast<double>(e.second) - e.first * p) < 5 * sd);
    ++checked;
  }
  INFO(total_err << " errors in " << total << " bases, expected " << expected);
  CHECK(checked >= 5);
  CHECK(total > 1000000);
  CHECK(std::abs(static_cast<double>(total_err) - expected) < 5 * std::sqrt(var));
  // Random sequence has few homopolymers >= 4, so indel errors are rare but present.
  CHECK(indel_reads < 100);
}

TEST_CASE("ErrorModel: homopolymer runs gain or lose a base at the expected rate, left-aligned") {
  // A run of 10 A between flanks without runs: every read covers it in its interior cycles.
  std::string ref;
  for (int i = 0; i < 100; ++i) ref += "CGT"[i % 3];
  ref += std::string(10, 'A');
  for (int i = 0; i < 100; ++i) ref += "CGT"[i % 3];
  Haplotype h = build_haplotype(ref, 1000, {}, 0);
  ErrorModel em(150);
  SimRng rng(22);
  SimRead r;
  std::vector<int64_t> scratch;
  const int n = 50000;
  int ins = 0, del = 0, misplaced = 0;
  for (int i = 0; i < n; ++i) {
    REQUIRE(sequence_read(h, 30, false, 0, em, rng, r, scratch));
    int64_t rp = r.pos;
    for (uint32_t op : r.cigar) {
      int len = static_cast<int>(bam_cigar_oplen(op));
      if (bam_cigar_op(op) == BAM_CINS) ++ins;
      if (bam_cigar_op(op) == BAM_CDEL) ++del;
      // Both kinds sit at the run's left end (reference 1100), as an aligner would put them.
      if ((bam_cigar_op(op) == BAM_CINS || bam_cigar_op(op) == BAM_CDEL) && rp != 1100) ++misplaced;
      if (bam_cigar_op(op) != BAM_CINS) rp += len;
    }
  }
  double expected = n * ErrorModel::homopolymer_indel_prob(10);  // 70
  INFO(ins << " insertions, " << del << " deletions, expected " << expected << " in all");
  CHECK(std::abs(ins + del - expected) < 5 * std::sqrt(expected));
  CHECK(ins > 0);
  CHECK(del > 0);
  CHECK(misplaced == 0);
}
