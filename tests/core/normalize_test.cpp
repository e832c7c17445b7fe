#include <doctest/doctest.h>

#include "dvhpc/error.hpp"
#include "dvhpc/normalize.hpp"
#include "dvhpc/reference.hpp"
#include "io/test_reads.hpp"  // write_fasta

using namespace dvhpc;
using dvhpc::test::TempDir;

namespace {

// 0-based: AAAA at 10..13 (C before and after), CACACA at 24..29 (C at 23).
const std::string kSeq = "GATTACAGCCAAAACGTACGTTGCCACACAGTCCTAGGATCCGATTGCAATGCGTAGCTA";

std::string str(const std::vector<NormAllele>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + std::to_string(a.pos) + ":" + a.ref + ">" + a.alt;
  return s;
}

}  // namespace

TEST_CASE("normalize: a 1-base deletion anywhere in a homopolymer left-aligns to one spelling") {
  TempDir dir;
  Reference ref(test::write_fasta(dir, "r.fa", {{"chr1", kSeq}}));
  AlleleNormalizer n(&ref);
  // The same deletion of one A of AAAA, written four ways (0-based pos).
  CHECK(str(n.normalize("chr1", 9, "CA", "C")) == "9:CA>C");
  CHECK(str(n.normalize("chr1", 12, "AA", "A")) == "9:CA>C");
  CHECK(str(n.normalize("chr1", 13, "AC", "C")) == "9:CA>C");     // right-anchored
  CHECK(str(n.normalize("chr1", 11, "AAAC", "AAC")) == "9:CA>C");  // padded both ends
  CHECK(n.left_shifted() == 3);
  // An insertion of A in the same run.
  CHECK(str(n.normalize("chr1", 13, "A", "AA")) == "9:C>CA");
  CHECK(n.ref_mismatches() == 0);
}

TEST_CASE("normalize: a dinucleotide deletion in CACACA left-aligns through the repeat") {
  TempDir dir;
  Reference ref(test::write_fasta(dir, "r.fa", {{"chr1", kSeq}}));
  AlleleNormalizer n(&ref);
  CHECK(str(n.normalize("chr1", 27, "ACA", "A")) == "23:CCA>C");
  CHECK(str(n.normalize("chr1", 23, "CCA", "C")) == "23:CCA>C");
  CHECK(str(n.normalize("chr1", 25, "ACACA", "ACA")) == "23:CCA>C");
  // Lower-case input is upper-cased.
  CHECK(str(n.normalize("chr1", 25, "aca", "a")) == "23:CCA>C");
}

TEST_CASE("normalize: MNPs split into SNPs, ref == alt gives nothing, SNPs untouched") {
  TempDir dir;
  Reference ref(test::write_fasta(dir, "r.fa", {{"chr1", kSeq}}));
  AlleleNormalizer n(&ref);
  // TCC at 31..33 -> AGC: two SNPs, the shared C trimmed.
  CHECK(str(n.normalize("chr1", 31, "TCC", "AGC")) == "31:T>A 32:C>G");
  // GTA -> CTG: the middle base is shared and is not emitted.
  CHECK(str(n.normalize("chr1", 15, "GTA", "CTG")) == "15:G>C 17:A>G");
  CHECK(n.normalize("chr1", 15, "GTA", "GTA").empty());
  CHECK(str(n.normalize("chr1", 2, "T", "C")) == "2:T>C");
  // A complex replacement keeps both sides after trimming.
  CHECK(str(n.normalize("chr1", 15, "GTAC", "GCCCC")) == "16:TA>CCC");
}

TEST_CASE("normalize: without a reference only trimming and MNP splitting are done") {
  AlleleNormalizer n(nullptr);
  CHECK_FALSE(n.has_reference());
  CHECK(str(n.normalize("chr1", 12, "AA", "A")) == "12:AA>A");    // not moved to 9
  CHECK(str(n.normalize("chr1", 11, "AAAC", "AAC")) == "11:AA>A");  // suffix trimmed only
  CHECK(str(n.normalize("chr1", 31, "TCC", "AGC")) == "31:T>A 32:C>G");
  CHECK(n.left_shifted() == 0);
}

TEST_CASE("normalize: a REF that disagrees with the reference is counted and not left-aligned") {
  TempDir dir;
  Reference ref(test::write_fasta(dir, "r.fa", {{"chr1", kSeq}}));
  AlleleNormalizer n(&ref);
  CHECK(str(n.normalize("chr1", 12, "GA", "G")) == "12:GA>G");
  CHECK(n.ref_mismatches() == 1);
  // A REF running off the contig end is a mismatch, not a crash.
  CHECK(str(n.normalize("chr1", 58, "TAG", "T")) == "58:TAG>T");
  CHECK(n.ref_mismatches() == 2);
  CHECK_THROWS_AS(n.normalize("chr2", 5, "A", "G"), Error);
}

TEST_CASE("normalize: an indel at the contig start anchors on the base after it") {
  TempDir dir;
  Reference ref(test::write_fasta(dir, "r.fa", {{"c", "AAACGT"}}));
  AlleleNormalizer n(&ref);
  // Deleting one A of the leading AAA: nothing left of it, so anchor right.
  CHECK(str(n.normalize("c", 1, "AA", "A")) == "0:AA>A");
  CHECK(str(n.normalize("c", 2, "AC", "C")) == "0:AA>A");
}
