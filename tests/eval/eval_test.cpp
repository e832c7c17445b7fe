#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "dvhpc/error.hpp"
#include "dvhpc/eval.hpp"
#include "eval/eval_fixtures.hpp"
#include "io/test_reads.hpp"  // write_fasta

using namespace dvhpc;
using dvhpc::test::rec;
using dvhpc::test::TempDir;
using dvhpc::test::vcf_text;
using dvhpc::test::write_vcf_gz;

namespace {

// 0-based: AAAA at 10..13, CACACA at 24..29 (see normalize_test.cpp).
const std::string kSeq = "GATTACAGCCAAAACGTACGTTGCCACACAGTCCTAGGATCCGATTGCAATGCGTAGCTA";
const std::vector<std::pair<std::string, int64_t>> kContigs = {{"chr1", 60}};

// Truth (1-based POS). BED chr1:0-40 keeps all but the last.
const std::vector<std::string> kTruth = {
    rec("chr1", 3, "T", "C", "0/1"),     // SNP het; calls say hom -> TP, GT wrong
    rec("chr1", 10, "CA", "C", "1/1"),   // del A in AAAA; calls write it at 13
    rec("chr1", 17, "T", "A,G", "1/2"),  // split: T>A het (TP), T>G het (FN)
    rec("chr1", 21, "T", "G", "1/1"),    // FN
    rec("chr1", 24, "CCA", "C", "0/1"),  // del CA in CACACA; calls write it at 28
    rec("chr1", 32, "T", "A", "0/1"),    // calls have these two as one MNP
    rec("chr1", 33, "C", "G", "0/1"),
    rec("chr1", 45, "T", "G", "0/0"),    // no ALT: skipped
    rec("chr1", 50, "A", "G", "0/1"),    // outside the BED
};
const std::vector<std::string> kCalls = {
    rec("chr1", 3, "T", "C", "1/1"),
    rec("chr1", 5, "A", "G", "0/1"),               // FP
    rec("chr1", 13, "AA", "A", "1/1"),
    rec("chr1", 17, "T", "A", "0/1"),
    rec("chr1", 28, "ACA", "A", "0/1"),
    rec("chr1", 32, "TC", "AG", "0|1"),            // MNP -> 2 SNP TPs
    rec("chr1", 36, "A", "T", "0/1", "LowQual"),   // FP in ALL, skipped in PASS
    rec("chr1", 38, "G", "A", "0/0"),              // no ALT
    rec("chr1", 39, "A", "C", "./."),              // no ALT
    rec("chr1", 50, "A", "G", "0/1"),              // outside the BED
};

const EvalRow& row(const EvalResult& r, VariantType t, const std::string& filter) {
  for (const auto& x : r.rows)
    if (x.type == t && x.filter == filter) return x;
  FAIL("no row " << variant_type_name(t) << " " << filter);
  return r.rows.front();
}

struct Fixture {
  TempDir dir;
  EvalInputs in;
  Fixture(const std::vector<std::string>& truth = kTruth, const std::vector<std::string>& calls = kCalls) {
    in.reference = test::write_fasta(dir, "ref.fa", {{"chr1", kSeq}});
    in.truth_vcf = write_vcf_gz(dir, "truth.vcf.gz", vcf_text(kContigs, truth));
    in.calls_vcf = write_vcf_gz(dir, "calls.vcf.gz", vcf_text(kContigs, calls));
    in.bed = dir.write("conf.bed", "chr1\t0\t40\n");
  }
};

}  // namespace

TEST_CASE("eval: hand-made truth and calls give the expected counts per type and filter") {
  Fixture f;
  const EvalResult r = evaluate(f.in);
  const EvalRow& snp = row(r, VariantType::SNP, "ALL");
  CHECK(snp.truth_total == 6);
  CHECK(snp.tp == 4);  // pos 3, 17 T>A, MNP 32 and 33
  CHECK(snp.fn == 2);  // 17 T>G, 21
  CHECK(snp.query_total == 6);
  CHECK(snp.fp == 2);  // 5, 36 (LowQual)
  CHECK(snp.tp_gt == 3);
  const EvalRow& snp_pass = row(r, VariantType::SNP, "PASS");
  CHECK(snp_pass.tp == 4);
  CHECK(snp_pass.query_total == 5);
  CHECK(snp_pass.fp == 1);
  const EvalRow& indel = row(r, VariantType::INDEL, "ALL");
  CHECK(indel.truth_total == 2);
  CHECK(indel.tp == 2);  // both matched only through left-alignment
  CHECK(indel.fp == 0);
  CHECK(indel.fn == 0);
  CHECK(indel.tp_gt == 2);
  CHECK(r.rows.size() == 4);  // no OTHER rows
  CHECK(snp.recall() == doctest::Approx(4.0 / 6));
  CHECK(snp.precision() == doctest::Approx(4.0 / 6));
  CHECK(snp_pass.precision() == doctest::Approx(0.8));
  CHECK(snp_pass.f1() == doctest::Approx(2 * 0.8 * (4.0 / 6) / (0.8 + 4.0 / 6)));
  CHECK(r.truth.records == 9);
  CHECK(r.truth.no_alt == 1);
  CHECK(r.truth.outside_bed == 1);
  CHECK(r.calls.records == 10);
  CHECK(r.calls.no_alt == 2);
  CHECK(r.calls.filtered == 1);
  CHECK(r.calls.outside_bed == 1);
  CHECK(r.calls.left_shifted == 2);
  CHECK(r.calls.ref_mismatch == 0);  // the fixture's REFs are right
  CHECK(r.truth.ref_mismatch == 0);
  CHECK(r.left_aligned);
}

TEST_CASE("eval: without the reference, indels in repeats written differently do not match") {
  Fixture f;
  f.in.reference.clear();
  const EvalResult r = evaluate(f.in);
  const EvalRow& indel = row(r, VariantType::INDEL, "ALL");
  CHECK(indel.tp == 0);
  CHECK(indel.fp == 2);
  CHECK(indel.fn == 2);
  CHECK(row(r, VariantType::SNP, "ALL").tp == 4);  // SNPs and the MNP split still work
  CHECK_FALSE(r.left_aligned);
  CHECK(format_eval_table(r).find("NOT left-aligned") != std::string::npos);
}

TEST_CASE("eval: without a BED every record counts, BED intervals are 0-based half-open on POS") {
  Fixture f;
  f.in.bed.clear();
  CHECK(row(evaluate(f.in), VariantType::SNP, "ALL").tp == 5);  // + pos 50
  // chr1:2-3 (0-based) holds only 1-based POS 3.
  f.in.bed = f.dir.write("one.bed", "chr1\t2\t3\n");
  EvalResult r = evaluate(f.in);
  CHECK(row(r, VariantType::SNP, "ALL").truth_total == 1);
  CHECK(row(r, VariantType::INDEL, "ALL").truth_total == 0);
  // An interval ending at 2 excludes POS 3; one starting at 3 excludes it too.
  f.in.bed = f.dir.write("edge.bed", "chr1\t0\t2\nchr1\t3\t4\n");
  CHECK(row(evaluate(f.in), VariantType::SNP, "ALL").truth_total == 0);
  // The BED test uses the normalised position: the calls' deletion written
  // at POS 13 sits at 0-based 9 after left-alignment, inside chr1:9-10.
  f.in.bed = f.dir.write("del.bed", "chr1\t9\t10\n");
  r = evaluate(f.in);
  CHECK(row(r, VariantType::INDEL, "ALL").tp == 1);
  CHECK(row(r, VariantType::INDEL, "ALL").query_total == 1);
}

TEST_CASE("eval: genotype matching compares zygosity per split allele") {
  // Truth 1/2 at one site: both alleles het. Calls: A hom (GT mismatch),
  // G het (match); haploid "1" is hom.
  Fixture f({rec("chr1", 17, "T", "A,G", "1/2"), rec("chr1", 21, "T", "G", "1")},
            {rec("chr1", 17, "T", "A", "1/1"), rec("chr1", 17, "T", "G", "0/1"),
             rec("chr1", 21, "T", "G", "1/1")});
  const EvalResult r = evaluate(f.in);  // row() points into it: keep it alive
  const EvalRow& snp = row(r, VariantType::SNP, "ALL");
  CHECK(snp.tp == 3);
  CHECK(snp.tp_gt == 2);
}

TEST_CASE("eval: symbolic ALTs are OTHER, non-variant ALTs are dropped") {
  Fixture f({rec("chr1", 3, "T", "C", "0/1"), rec("chr1", 5, "A", "<DEL>", "0/1")},
            {rec("chr1", 3, "T", "C,*", "1/2"), rec("chr1", 5, "A", "<DEL>", "1/1"),
             rec("chr1", 7, "A", "<NON_REF>", "0/1")});
  const EvalResult r = evaluate(f.in);
  CHECK(row(r, VariantType::OTHER, "ALL").tp == 1);
  CHECK(row(r, VariantType::OTHER, "ALL").tp_gt == 0);
  CHECK(row(r, VariantType::SNP, "ALL").tp == 1);
  CHECK(row(r, VariantType::SNP, "ALL").fp == 0);
  CHECK(r.calls.non_variant == 2);
}

TEST_CASE("eval: contig naming mismatches stop with an error naming both files") {
  TempDir dir;
  EvalInputs in;
  in.truth_vcf = write_vcf_gz(dir, "t.vcf.gz", vcf_text(kContigs, {rec("chr1", 3, "T", "C", "0/1")}));
  in.calls_vcf = write_vcf_gz(dir, "c.vcf.gz", vcf_text({{"1", 60}}, {rec("1", 3, "T", "C", "0/1")}));
  try {
    evaluate(in);
    FAIL("expected an Error");
  } catch (const Error& e) {
    const std::string m = e.what();
    CHECK(e.kind() == ErrorKind::Input);
    CHECK(m.find("'1'") != std::string::npos);
    CHECK(m.find("'chr1'") != std::string::npos);
    CHECK(m.find("c.vcf.gz") != std::string::npos);
    CHECK(m.find("t.vcf.gz") != std::string::npos);
  }
  // Against the reference, the message names the reference.
  in.reference = test::write_fasta(dir, "ref.fa", {{"chr1", kSeq}});
  try {
    evaluate(in);
    FAIL("expected an Error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("ref.fa") != std::string::npos);
    CHECK(std::string(e.what()).find("'chr1'") != std::string::npos);
  }
  // A BED in the other naming.
  in.reference.clear();
  in.calls_vcf = in.truth_vcf;
  in.bed = dir.write("b.bed", "1\t0\t60\n");
  CHECK_THROWS_WITH_AS(evaluate(in), doctest::Contains("b.bed"), Error);
}

TEST_CASE("eval: unreadable inputs and sample-less VCFs are input errors naming the file") {
  TempDir dir;
  EvalInputs in;
  in.truth_vcf = dir.file("missing.vcf.gz");
  in.calls_vcf = write_vcf_gz(dir, "c.vcf.gz", vcf_text(kContigs, {rec("chr1", 3, "T", "C", "0/1")}));
  CHECK_THROWS_WITH_AS(evaluate(in), doctest::Contains("missing.vcf.gz"), Error);
  in.truth_vcf = write_vcf_gz(dir, "sites.vcf.gz",
                              vcf_text(kContigs, {"chr1\t3\t.\tT\tC\t50\tPASS\t."}, false));
  CHECK_THROWS_WITH_AS(evaluate(in), doctest::Contains("no sample column"), Error);
}

TEST_CASE("eval: table and CSV carry the same rows") {
  Fixture f;
  const EvalResult r = evaluate(f.in);
  const std::string table = format_eval_table(r), csv = format_eval_csv(r);
  CHECK(table.rfind("Type   Filter  TRUTH.TOTAL  TRUTH.TP", 0) == 0);
  CHECK(csv.rfind("Type,Filter,TRUTH.TOTAL,TRUTH.TP,TRUTH.FN,QUERY.TOTAL,QUERY.FP,TP.GT,", 0) == 0);
  CHECK(csv.find("\nSNP,ALL,6,4,2,6,2,3,0.666667,0.666667,0.666667\n") != std::string::npos);
  CHECK(csv.find("\nINDEL,PASS,2,2,0,2,0,2,1.000000,1.000000,1.000000\n") != std::string::npos);
  CHECK(table.find("1 with FILTER not PASS") != std::string::npos);
  // Empty sides give NaN metrics, not a division by zero.
  EvalRow empty;
  CHECK(std::isnan(empty.recall()));
  CHECK(std::isnan(empty.f1()));
}

TEST_CASE("eval: the errors list holds every FN and FP of the ALL rows") {
  Fixture f;
  const EvalResult r = evaluate(f.in);
  int64_t fn = 0, fp = 0, listed_fn = 0, listed_fp = 0;
  for (const auto& row : r.rows)
    if (row.filter == "ALL") { fn += row.fn; fp += row.fp; }
  for (const auto& e : r.errors) (e.status == "FN" ? listed_fn : listed_fp) += 1;
  CHECK(listed_fn == fn);
  CHECK(listed_fp == fp);
  REQUIRE(fn + fp > 0);
  for (size_t i = 1; i < r.errors.size(); ++i)
    CHECK((r.errors[i - 1].contig < r.errors[i].contig ||
           (r.errors[i - 1].contig == r.errors[i].contig && r.errors[i - 1].pos <= r.errors[i].pos)));
  const std::string tsv = format_eval_errors(r);
  CHECK(tsv.rfind("status\ttype\tchrom\tpos\tref\talt\tzygosity\tfilter\n", 0) == 0);
  CHECK(std::count(tsv.begin(), tsv.end(), '\n') == static_cast<std::ptrdiff_t>(r.errors.size() + 1));
}

TEST_CASE("eval: haplotype matching joins spellings of the same change, and only those") {
  // 0-based T at 20 and 21, G at 22. Truth: an A inserted after each T
  // (TATAG). Calls: AT inserted after the first T plus T>A at 21: also TATAG.
  const std::vector<std::string> truth = {rec("chr1", 21, "T", "TA", "1/1"), rec("chr1", 22, "T", "TA", "1/1")};
  const std::vector<std::string> same = {rec("chr1", 21, "T", "TAT", "1/1"), rec("chr1", 22, "T", "A", "1/1")};
  const std::vector<std::string> other = {rec("chr1", 21, "T", "TAT", "1/1"), rec("chr1", 22, "T", "C", "1/1")};
  Fixture f(truth, same);
  const EvalResult exact = evaluate(f.in);
  CHECK(row(exact, VariantType::INDEL, "ALL").fn == 2);
  CHECK(row(exact, VariantType::INDEL, "ALL").fp == 1);
  CHECK(row(exact, VariantType::SNP, "ALL").fp == 1);
  f.in.haplotype_match = true;
  const EvalResult hap = evaluate(f.in);
  CHECK(row(hap, VariantType::INDEL, "ALL").tp == 2);
  CHECK(row(hap, VariantType::INDEL, "ALL").tp_gt == 2);
  CHECK(row(hap, VariantType::INDEL, "ALL").fn == 0);
  CHECK(row(hap, VariantType::INDEL, "ALL").fp == 0);
  CHECK(row(hap, VariantType::SNP, "ALL").fp == 0);
  CHECK(hap.errors.empty());
  CHECK(format_eval_table(hap).find("spell the same haplotype") != std::string::npos);

  Fixture g(truth, other);
  g.in.haplotype_match = true;
  const EvalResult diff = evaluate(g.in);
  CHECK(row(diff, VariantType::INDEL, "ALL").fn == 2);
  CHECK(row(diff, VariantType::SNP, "ALL").fp == 1);
  g.in.reference.clear();
  CHECK_THROWS_WITH_AS(evaluate(g.in), doctest::Contains("needs the reference"), Error);
}
