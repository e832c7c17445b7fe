// Allele counting and candidate selection on hand-made reads, on every
// execution space of the build (exec_spaces.hpp: host always, CUDA in the
// CUDA build, where each case also checks the device against the host).
//
//   0-based  4 5 6 7 8 9 10 11 12 13 14
//   ref      T C C G T A A  G  G  C  T
#include <doctest/doctest.h>

#include "../io/test_reads.hpp"
#include "dvhpc/reads.hpp"
#include "exec_spaces.hpp"
#include "kernels/allele_counter.hpp"

using namespace dvhpc;
using dvhpc::test::make_read;
using dvhpc::test::TestRead;

namespace {
const std::string kChr1 = "ACGTTCCGTAAGGCTAGCTAACGTACGTTTGACCAGTACCAGT" + std::string(60, 'A');

struct Counted {
  AlleleCounts counts;
  std::vector<Candidate> candidates;
};

template <class Exec>
Counted run(std::vector<TestRead> reads, Region window = {"chr1", 0, 103}, Region core = {"chr1", 0, 103},
            CandidateConfig cfg = {}) {
  dvhpc::test::TempDir dir;
  const auto fasta = dvhpc::test::write_fasta(dir, "ref.fa", {{"chr1", kChr1}});
  const auto bam = dvhpc::test::write_reads(dir, "r.bam", {{"chr1", static_cast<int64_t>(kChr1.size())}}, reads);
  Reference ref(fasta);
  ReadLoader loader(bam, ReadFilterConfig{});
  auto map = match_contigs(loader.contigs(), ref.contigs(), {}, false, bam, fasta);
  ReadBatch batch = loader.load(window, map);
  BasicAlleleCounter<Exec> counter(cfg);
  counter.count(batch, window, ref.fetch(window));
  Counted out;
  out.counts = counter.to_host();
  out.candidates = counter.candidates(core);
  if constexpr (test::on_device<Exec>) {
    const Counted host = run<kernels::HostExecSpace>(reads, window, core, cfg);
    test::check_same_counts(out.counts, host.counts);
    test::check_same_candidates(out.candidates, host.candidates);
  }
  return out;
}

TestRead with_qual(TestRead r, std::string q) {
  r.qual = std::move(q);
  return r;
}
}  // namespace

TEST_CASE_TEMPLATE("allele_count: bases per strand, minimum base quality", Exec, DVHPC_TEST_EXEC_SPACES) {
  auto c = run<Exec>({make_read("chr1", 5, "TCCGT", "5M"), make_read("chr1", 5, "TACGT", "5M", 0x10),
                with_qual(make_read("chr1", 5, "TCCGT", "5M"), "II#II")})  // Q2 at pos 6
               .counts;
  CHECK(c.at(4, kFwdT) == 2);
  CHECK(c.at(4, kRevT) == 1);
  CHECK(c.at(5, kFwdC) == 2);
  CHECK(c.at(5, kRevA) == 1);
  CHECK(c.at(6, kFwdC) == 1);  // the Q2 base is not counted
  CHECK(c.at(6, kRevC) == 1);
  CHECK(c.pileup_depth(6) == 2);
  CHECK(c.pileup_depth(3) == 0);
  CHECK(c.pileup_depth(9) == 0);
  CHECK(c.allele_total(5) == 3);
  CHECK(c.allele_base(5, kA) == 1);
  CHECK(c.indels.empty());
}

TEST_CASE_TEMPLATE("allele_count: deletions of different lengths are different alleles, spans count in depth", Exec,
                   DVHPC_TEST_EXEC_SPACES) {
  auto c = run<Exec>({make_read("chr1", 5, "TCGTA", "2M1D3M"), make_read("chr1", 5, "TCGTA", "2M1D3M", 0x10),
                make_read("chr1", 5, "TCTA", "2M2D2M")})
               .counts;
  REQUIRE(c.indels.size() == 2);
  CHECK(c.indels[0].pos == 5);
  CHECK(c.indels[0].length == -2);
  CHECK(c.indels[0].count == 1);
  CHECK(c.indels[1].length == -1);
  CHECK(c.indels[1].count == 2);
  CHECK(c.indels[1].reverse_count == 1);
  CHECK(c.at(6, kFwdDel) == 2);
  CHECK(c.at(6, kRevDel) == 1);
  CHECK(c.at(7, kFwdDel) == 1);
  // The anchor base is in the pileup view but is an indel allele in the allele view.
  CHECK(c.at(5, kFwdC) == 2);
  CHECK(c.allele_base(5, kC) == 0);
  CHECK(c.at(5, kAnchorC) == 3);
  CHECK(c.at(5, kIndelAllele) == 3);
  CHECK(c.pileup_depth(6) == 3);
}

TEST_CASE_TEMPLATE("allele_count: insertions are keyed by position and inserted sequence", Exec,
                   DVHPC_TEST_EXEC_SPACES) {
  auto c = run<Exec>({make_read("chr1", 5, "TCCAAGT", "3M2I2M"), make_read("chr1", 5, "TCCAAGT", "3M2I2M"),
                make_read("chr1", 5, "TCCAGGT", "3M2I2M"),
                with_qual(make_read("chr1", 5, "TCCAAGT", "3M2I2M"), "IIII#II")})  // Q2 inserted base
               .counts;
  REQUIRE(c.indels.size() == 2);
  CHECK(c.indels[0].inserted == "AA");
  CHECK(c.indels[0].count == 2);
  CHECK(c.indels[1].inserted == "AG");
  CHECK(c.indels[1].count == 1);
  CHECK(c.indels[0].pos == 6);
  CHECK(c.at(6, kIndelAllele) == 3);
  CHECK(c.allele_total(6) == 3);  // the low-quality insertion gives no allele
  CHECK(c.at(7, kFwdG) == 4);     // bases after the insertion are counted normally
}

TEST_CASE_TEMPLATE("allele_count: reads sticking out of the window are clipped to it", Exec, DVHPC_TEST_EXEC_SPACES) {
  auto c = run<Exec>({make_read("chr1", 1, "ACGTTCCGTA", "10M"), make_read("chr1", 8, "GTAAGG", "2M2D4M")},
               Region{"chr1", 5, 9}, Region{"chr1", 5, 9});
  CHECK(c.counts.window == Region{"chr1", 5, 9});
  CHECK(c.counts.counts.size() == 4 * kNumChannels);
  CHECK(c.counts.at(5, kFwdC) == 1);
  CHECK(c.counts.at(7, kFwdG) == 2);
  CHECK(c.counts.at(8, kFwdT) == 2);
  CHECK(c.counts.indels.size() == 1);  // anchor 8 is inside the window
}

TEST_CASE_TEMPLATE("candidates: very-sensitive thresholds, multi-allelic merge, core only", Exec,
                   DVHPC_TEST_EXEC_SPACES) {
  // At 0-based 10 (ref A): 12 ref, 3 A>G (13.6%), 2 A>C (9.1% < 12%),
  // 2 x del G (9.1% >= 6%), 2 x ins T, 1 x del GG (count 1 < 2). Total 22.
  std::vector<TestRead> reads;
  for (int i = 0; i < 12; ++i) reads.push_back(make_read("chr1", 9, "TAAGGCT", "7M", i % 2 ? 0x10 : 0));
  for (int i = 0; i < 3; ++i) reads.push_back(make_read("chr1", 9, "TAGGGCT", "7M"));
  for (int i = 0; i < 2; ++i) reads.push_back(make_read("chr1", 9, "TACGGCT", "7M"));
  for (int i = 0; i < 2; ++i) reads.push_back(make_read("chr1", 9, "TAAGCT", "3M1D3M"));
  for (int i = 0; i < 2; ++i) reads.push_back(make_read("chr1", 9, "TAATGGCT", "3M1I4M"));
  reads.push_back(make_read("chr1", 9, "TAACT", "3M2D2M"));
  auto r = run<Exec>(reads);
  REQUIRE(r.candidates.size() == 1);
  const Candidate& c = r.candidates[0];
  CHECK(c.pos == 10);
  CHECK(c.ref == "AG");
  CHECK(c.alts == std::vector<std::string>{"GG", "A", "ATG"});
  CHECK(c.alt_counts == std::vector<int32_t>{3, 2, 2});
  CHECK(c.ref_count == 12);
  CHECK(c.total == 22);
  CHECK(c.to_string() == "chr1:11 AG>GG,A,ATG");

  // Stricter thresholds drop the SNP and the indels.
  CandidateConfig strict;
  strict.snp_min_fraction = 0.2;
  strict.indel_min_fraction = 0.1;
  CHECK(run<Exec>(reads, {"chr1", 0, 103}, {"chr1", 0, 103}, strict).candidates.empty());
  // min_count 1 lets the A>C SNP's fraction decide (still too low) and the
  // 2-bp deletion in (1/22 = 4.5% < 6%: still out).
  CandidateConfig loose;
  loose.min_count = 1;
  CHECK(run<Exec>(reads, {"chr1", 0, 103}, {"chr1", 0, 103}, loose).candidates[0].alts.size() == 3);
  // Outside the core: nothing.
  CHECK(run<Exec>(reads, {"chr1", 0, 103}, {"chr1", 11, 103}).candidates.empty());
}

TEST_CASE("candidates: normalize_allele trims to the minimal representation") {
  int64_t pos = 10;
  std::string ref = "AG", alt = "GG";
  normalize_allele(pos, ref, alt);
  CHECK((pos == 10 && ref == "A" && alt == "G"));
  pos = 10, ref = "AGT", alt = "AT";
  normalize_allele(pos, ref, alt);
  CHECK((pos == 10 && ref == "AG" && alt == "A"));
  pos = 5, ref = "CAT", alt = "CGT";
  normalize_allele(pos, ref, alt);
  CHECK((pos == 6 && ref == "A" && alt == "G"));
}

TEST_CASE_TEMPLATE("allele_count: a deletion span takes the quality of the base after it (samtools semantics)", Exec,
                   DVHPC_TEST_EXEC_SPACES) {
  // 2M1D3M: anchor C@5 (Q40), deletion at 6, next base G@7 has Q2.
  auto c = run<Exec>({with_qual(make_read("chr1", 5, "TCGTA", "2M1D3M"), "II#II")}).counts;
  CHECK(c.at(6, kFwdDel) == 0);          // not in the pileup depth
  CHECK(c.at(5, kIndelAllele) == 1);     // the allele still counts: its anchor is good
  REQUIRE(c.indels.size() == 1);
  CHECK(c.indels[0].length == -1);
}
