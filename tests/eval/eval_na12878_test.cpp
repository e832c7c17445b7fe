// eval on the shared NA12878 chr20 window: the bcftools and freebayes
// baselines scored against the GIAB truth must reproduce the numbers in the
// data set's README (its score.py uses bcftools norm -m -any -f REF).
#include <doctest/doctest.h>

#include "dvhpc/eval.hpp"
#include "test_util.hpp"

using namespace dvhpc;

namespace {

const std::string kDir = std::string(DVHPC_SHARED_DATA) + "/na12878_hg19_chr20_10mb_illumina/";

EvalInputs inputs(const std::string& calls, const std::string& bed) {
  EvalInputs in;
  in.truth_vcf = kDir + "test_nist.b37_chr20_100kbp_at_10mb.vcf.gz";
  in.calls_vcf = kDir + "baseline/" + calls;
  in.bed = kDir + bed;
  in.reference = kDir + "ucsc.hg19.chr20.unittest.fasta.gz";
  return in;
}

// "TP/FP/FN gt" of one row, for compact comparisons with the README table.
std::string score(const EvalResult& r, VariantType t) {
  for (const auto& row : r.rows)
    if (row.type == t && row.filter == "ALL")
      return std::to_string(row.tp) + "/" + std::to_string(row.fp) + "/" + std::to_string(row.fn) +
             " gt " + std::to_string(row.tp_gt);
  return "missing";
}

}  // namespace

TEST_CASE("eval na12878: bcftools baseline inside the confident BED is 45/0/0 SNP, 4/0/0 INDEL") {
  if (!test::shared_data_available()) {
    MESSAGE("SKIP: shared data not found at " << DVHPC_SHARED_DATA);
    return;
  }
  const EvalResult r =
      evaluate(inputs("na12878.bcftools.vcf.gz", "test_nist.b37_chr20_100kbp_at_10mb.bed"));
  CHECK(score(r, VariantType::SNP) == "45/0/0 gt 45");
  CHECK(score(r, VariantType::INDEL) == "4/0/0 gt 2");
  // README: 49 truth records inside the BED (45 SNPs, 4 indels), all PASS.
  CHECK(r.truth.records == 221);
  CHECK(r.rows.size() == 4);
  CHECK(r.calls.ref_mismatch == 0);
  CHECK(r.truth.ref_mismatch == 0);
}

TEST_CASE("eval na12878: whole 100 kb window matches the README's bcftools-norm scorer") {
  if (!test::shared_data_available()) {
    MESSAGE("SKIP: shared data not found at " << DVHPC_SHARED_DATA);
    return;
  }
  const std::string window = "region_chr20_10000000_10100000.bed";
  const EvalResult b = evaluate(inputs("na12878.bcftools.vcf.gz", window));
  // README: bcftools 185/18/1 SNP, 34/13/2 INDEL; gt counts from its score.py.
  CHECK(score(b, VariantType::SNP) == "185/18/1 gt 184");
  CHECK(score(b, VariantType::INDEL) == "34/13/2 gt 29");
  // freebayes writes MNPs, complex alleles and 0/0 records: README 184/26/2, 30/17/6.
  const EvalResult f = evaluate(inputs("na12878.freebayes.vcf.gz", window));
  CHECK(score(f, VariantType::SNP) == "184/26/2 gt 181");
  CHECK(score(f, VariantType::INDEL) == "30/17/6 gt 25");
  CHECK(f.calls.no_alt > 0);
}
