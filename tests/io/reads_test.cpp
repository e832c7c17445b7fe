#include <doctest/doctest.h>

#include "dvhpc/error.hpp"
#include "dvhpc/reads.hpp"
#include "test_reads.hpp"

using namespace dvhpc;
using dvhpc::test::make_read;
using dvhpc::test::TempDir;

namespace {
const std::string kChr1 = "ACGTTCCGTAAGGCTAGCTAACGTACGTTTGACCAGTACCAGT" + std::string(60, 'A');

struct Fixture {
  TempDir dir;
  std::string fasta = dvhpc::test::write_fasta(dir, "ref.fa", {{"chr1", kChr1}});
  std::vector<std::pair<std::string, int64_t>> sq{{"chr1", static_cast<int64_t>(kChr1.size())}, {"chr2", 50}};
  Reference ref{fasta};
};

std::vector<dvhpc::test::TestRead> flagged_reads() {
  return {make_read("chr1", 5, "TCCGT", "5M"),                 // kept
          make_read("chr1", 5, "TCCGT", "5M", 0x4),            // unmapped
          make_read("chr1", 5, "TCCGT", "5M", 0x100),          // secondary
          make_read("chr1", 5, "TCCGT", "5M", 0x800),          // supplementary
          make_read("chr1", 5, "TCCGT", "5M", 0x200),          // QC fail
          make_read("chr1", 5, "TCCGT", "5M", 0x400),          // duplicate
          make_read("chr1", 5, "TCCGT", "5M", 0, 4),           // MAPQ 4 < 5
          make_read("chr1", 6, "CCGTA", "5M", 0x10, 5)};       // reverse, MAPQ 5: kept
}
}  // namespace

TEST_CASE("reads: default filters drop unmapped, secondary, supplementary, QC-fail, duplicate, MAPQ<5") {
  Fixture fx;
  const auto bam = dvhpc::test::write_reads(fx.dir, "f.bam", fx.sq, flagged_reads());
  ReadLoader loader(bam, ReadFilterConfig{});
  auto map = match_contigs(loader.contigs(), fx.ref.contigs(), {}, false, bam, fx.fasta);
  ReadBatch b = loader.load(Region{"chr1", 0, 100}, map);
  REQUIRE(b.size() == 2);
  const auto& s = loader.stats();
  CHECK(s.seen == 8);
  CHECK(s.unmapped == 1);
  CHECK(s.secondary == 1);
  CHECK(s.supplementary == 1);
  CHECK(s.qc_fail == 1);
  CHECK(s.duplicate == 1);
  CHECK(s.low_mapq == 1);
  CHECK(s.kept == 2);
  CHECK(b.pos[0] == 4);
  CHECK(b.end[0] == 9);
  CHECK(b.reverse[0] == 0);
  CHECK(b.reverse[1] == 1);
  CHECK(b.mapq[1] == 5);
}

TEST_CASE("reads: every filter can be turned off") {
  Fixture fx;
  const auto bam = dvhpc::test::write_reads(fx.dir, "f.bam", fx.sq, flagged_reads());
  ReadFilterConfig cfg;
  cfg.min_mapq = 0;
  cfg.drop_duplicates = cfg.drop_secondary = cfg.drop_supplementary = cfg.drop_qc_fail = false;
  ReadLoader loader(bam, cfg);
  auto map = match_contigs(loader.contigs(), fx.ref.contigs(), {}, false, bam, fx.fasta);
  CHECK(loader.load(Region{"chr1", 0, 100}, map).size() == 7);  // unmapped is always dropped
}

TEST_CASE("reads: the batch is a struct of arrays with CIGAR, base codes, qualities and insert size") {
  Fixture fx;
  auto r1 = make_read("chr1", 3, "GTNCCGTA", "1S2M1I4M");
  r1.qual = "!#%')+-/";  // Q0 Q2 Q4 Q6 Q8 Q10 Q12 Q14
  r1.tlen = -250;
  auto r2 = make_read("chr1", 10, "AAGG", "2M2D2M");
  const auto bam = dvhpc::test::write_reads(fx.dir, "s.bam", fx.sq, {r2, r1});
  ReadLoader loader(bam, ReadFilterConfig{});
  auto map = match_contigs(loader.contigs(), fx.ref.contigs(), {}, false, bam, fx.fasta);
  ReadBatch b = loader.load(Region{"chr1", 0, 50}, map);
  REQUIRE(b.size() == 2);
  // Sorted by position: r1 (pos 2) first.
  CHECK(b.pos == std::vector<int64_t>{2, 9});
  CHECK(b.end == std::vector<int64_t>{8, 15});
  CHECK(b.cigar_offset == std::vector<uint32_t>{0, 4, 7});
  CHECK(b.cigar[0] == (1u << 4 | 4u));  // 1S
  CHECK(b.cigar[1] == (2u << 4 | 0u));  // 2M
  CHECK(b.cigar[2] == (1u << 4 | 1u));  // 1I
  CHECK(b.cigar[5] == (2u << 4 | 2u));  // r2's 2D
  CHECK(b.seq_offset == std::vector<uint64_t>{0, 8, 12});
  CHECK(std::vector<uint8_t>(b.bases.begin(), b.bases.begin() + 3) == std::vector<uint8_t>{kG, kT, kN});
  CHECK(b.quals[0] == 0);
  CHECK(b.quals[7] == 14);
  CHECK(b.insert_size[0] == -250);
  CHECK(b.name_hash[0] != b.name_hash[1]);
}

TEST_CASE("reads: region queries return only overlapping reads, a contig without reads gives none") {
  Fixture fx;
  const auto bam = dvhpc::test::write_reads(
      fx.dir, "q.bam", fx.sq,
      {make_read("chr1", 1, "ACGTT", "5M"), make_read("chr1", 20, "AGCTA", "5M"), make_read("chr1", 40, "CAGTA", "5M")});
  ReadLoader loader(bam, ReadFilterConfig{});
  auto map = match_contigs(loader.contigs(), fx.ref.contigs(), {}, false, bam, fx.fasta);
  CHECK(loader.load(Region{"chr1", 0, 5}, map).size() == 1);
  CHECK(loader.load(Region{"chr1", 5, 19}, map).size() == 0);   // [5,19) touches no read
  CHECK(loader.load(Region{"chr1", 18, 40}, map).size() == 2);  // ends at 23, starts at 39
  CHECK(loader.load(Region{"chr2", 0, 50}, map).size() == 0);   // chr2 not in the reference
}

TEST_CASE("reads: sample name from config, else @RG SM, else the file name") {
  Fixture fx;
  const auto with_rg = dvhpc::test::write_reads(fx.dir, "rg.bam", fx.sq, {make_read("chr1", 1, "ACGT", "4M")}, "NA12878");
  const auto no_rg = dvhpc::test::write_reads(fx.dir, "HG002.sorted.bam", fx.sq, {make_read("chr1", 1, "ACGT", "4M")});
  CHECK(ReadLoader(with_rg, {}).sample_name("") == "NA12878");
  CHECK(ReadLoader(with_rg, {}).sample_name("override") == "override");
  CHECK(ReadLoader(no_rg, {}).sample_name("") == "HG002");
  CHECK(ReadLoader(no_rg, {}).sample_name("mine") == "mine");
}

TEST_CASE("reads: CRAM decodes to the same batch as BAM") {
  Fixture fx;
  std::vector<dvhpc::test::TestRead> reads = {make_read("chr1", 5, "TCCGT", "5M"),
                                              make_read("chr1", 8, "GTTAAGG", "2M1I4M", 0x10),
                                              make_read("chr1", 12, "GCAGC", "2M1D3M")};
  const auto bam = dvhpc::test::write_reads(fx.dir, "c.bam", fx.sq, reads);
  const auto cram = dvhpc::test::write_reads(fx.dir, "c.cram", fx.sq, reads, "", fx.fasta);
  ReadFilterConfig cfg;
  cfg.decompress_threads = 2;
  ReadLoader lb(bam, cfg), lc(cram, cfg, fx.fasta);
  CHECK(lc.is_cram());
  auto map = match_contigs(lb.contigs(), fx.ref.contigs(), {}, false, bam, fx.fasta);
  ReadBatch a = lb.load(Region{"chr1", 0, 100}, map), c = lc.load(Region{"chr1", 0, 100}, map);
  REQUIRE(a.size() == 3);
  CHECK(a.pos == c.pos);
  CHECK(a.cigar == c.cigar);
  CHECK(a.bases == c.bases);
  CHECK(a.quals == c.quals);
  CHECK(a.reverse == c.reverse);
  CHECK_THROWS_AS(ReadLoader(cram, cfg), Error);  // CRAM without a reference
}

TEST_CASE("reads: missing file and missing index are Input errors naming the file") {
  Fixture fx;
  try {
    ReadLoader l(fx.dir.file("absent.bam"), {});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Input);
    CHECK(std::string(e.what()).find("absent.bam") != std::string::npos);
  }
  const auto bam = dvhpc::test::write_reads(fx.dir, "noidx.bam", fx.sq, {make_read("chr1", 1, "ACGT", "4M")});
  std::filesystem::remove(bam + ".bai");
  ReadLoader l(bam, {});
  auto map = match_contigs(l.contigs(), fx.ref.contigs(), {}, false, bam, fx.fasta);
  try {
    l.load(Region{"chr1", 0, 10}, map);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("samtools index") != std::string::npos);
  }
}
