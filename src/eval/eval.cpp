// Comparison of the two normalised allele sets and the summary formats.
#include "dvhpc/eval.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <cstdio>
#include <limits>
#include <memory>

#include "dvhpc/error.hpp"
#include "dvhpc/reference.hpp"
#include "haplotype_match.hpp"
#include "variant_set.hpp"

namespace dvhpc {

using eval_detail::HaplotypeMatches;
using eval_detail::IntervalSet;
using eval_detail::LoadedVcf;
using eval_detail::VariantInfo;
using eval_detail::VariantKey;
using eval_detail::VariantMap;

namespace {

double ratio(int64_t num, int64_t den) {
  return den > 0 ? static_cast<double>(num) / static_cast<double>(den)
                 : std::numeric_limits<double>::quiet_NaN();
}

// A contig present on one side only under the other "chr" spelling means the
// files use different naming: every variant would silently be an FP or FN.
void check_naming(const std::set<std::string>& used, const std::string& used_label,
                  const std::set<std::string>& other, const std::string& other_label) {
  for (const auto& c : used) {
    const std::string alias = eval_detail::chr_alias(c);
    if (!other.count(c) && other.count(alias))
      throw Error(ErrorKind::Input,
                  "contig naming differs: " + used_label + " uses '" + c + "' but " + other_label +
                      " uses '" + alias + "'; rename the contigs of one file (e.g. bcftools "
                      "annotate --rename-chrs, or sed on the BED) so both use the same names");
  }
}

// A truth allele is found (TP, else FN) when the calls have it, exactly or
// by haplotype; a called allele is a TP (else FP) when the truth has it.
bool truth_matched(const VariantKey& key, const VariantMap& calls, const HaplotypeMatches& hm) {
  return calls.count(key) || hm.truth.count(key);
}
bool call_matched(const VariantKey& key, const VariantMap& truth, const HaplotypeMatches& hm) {
  return truth.count(key) || hm.calls.count(key);
}

EvalRow make_row(VariantType type, const char* filter, const VariantMap& truth,
                 const VariantMap& query, const HaplotypeMatches& hm) {
  EvalRow row;
  row.type = type;
  row.filter = filter;
  for (const auto& [key, info] : truth) {
    if (info.type != type) continue;
    ++row.truth_total;
    if (!truth_matched(key, query, hm)) {
      ++row.fn;
      continue;
    }
    ++row.tp;
    auto it = query.find(key);
    if (it != query.end() ? it->second.hom == info.hom : hm.truth.at(key)) ++row.tp_gt;
  }
  for (const auto& [key, info] : query) {
    if (info.type != type) continue;
    ++row.query_total;
    if (!call_matched(key, truth, hm)) ++row.fp;
  }
  return row;
}

bool has_type(const VariantMap& m, VariantType t) {
  for (const auto& kv : m)
    if (kv.second.type == t) return true;
  return false;
}

std::string fmt_metric(double v) {
  if (std::isnan(v)) return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

const std::vector<std::string> kColumns = {
    "Type",        "Filter",   "TRUTH.TOTAL", "TRUTH.TP",      "TRUTH.FN",         "QUERY.TOTAL",
    "QUERY.FP",    "TP.GT",    "METRIC.Recall", "METRIC.Precision", "METRIC.F1_Score"};

std::vector<std::string> cells(const EvalRow& r) {
  return {variant_type_name(r.type),   r.filter,
          std::to_string(r.truth_total), std::to_string(r.tp),
          std::to_string(r.fn),          std::to_string(r.query_total),
          std::to_string(r.fp),          std::to_string(r.tp_gt),
          fmt_metric(r.recall()),        fmt_metric(r.precision()),
          fmt_metric(r.f1())};
}

std::string side_note(const char* name, const EvalSideStats& s, bool calls, bool bed) {
  std::string n = std::string("# ") + name + ": " + std::to_string(s.records) + " records, " +
                  std::to_string(s.no_alt) + " skipped with no ALT in GT";
  if (calls)
    n += ", " + std::to_string(s.filtered) + " with FILTER not PASS/'.' (skipped in PASS rows)";
  if (bed) n += ", " + std::to_string(s.outside_bed) + " alleles outside the BED";
  n += ", " + std::to_string(s.non_variant) + " non-variant ALTs (*, <*>, <NON_REF>)";
  n += ", " + std::to_string(s.ref_mismatch) + " REF mismatches vs reference (not left-aligned)";
  n += ", " + std::to_string(s.left_shifted) + " alleles left-aligned";
  n += ", " + std::to_string(s.duplicates) + " duplicate alleles\n";
  return n;
}

}  // namespace

const char* variant_type_name(VariantType t) {
  switch (t) {
    case VariantType::SNP: return "SNP";
    case VariantType::INDEL: return "INDEL";
    case VariantType::OTHER: return "OTHER";
  }
  return "?";
}

double EvalRow::recall() const { return ratio(tp, tp + fn); }
double EvalRow::precision() const { return ratio(tp, tp + fp); }
double EvalRow::f1() const {
  const double p = precision(), r = recall();
  if (std::isnan(p) || std::isnan(r)) return std::numeric_limits<double>::quiet_NaN();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

EvalResult evaluate(const EvalInputs& in) {
  if (in.truth_vcf.empty() || in.calls_vcf.empty())
    throw Error(ErrorKind::Config, "eval needs both a truth VCF (--truth) and a calls VCF (--calls)");
  std::unique_ptr<Reference> ref;
  if (!in.reference.empty()) ref = std::make_unique<Reference>(in.reference);
  std::unique_ptr<IntervalSet> bed;
  if (!in.bed.empty()) bed = std::make_unique<IntervalSet>(in.bed);

  // One normalizer per side: its reference cache follows that file's order.
  AlleleNormalizer truth_norm(ref.get()), calls_norm(ref.get());
  LoadedVcf truth = eval_detail::load_variants(in.truth_vcf, "truth VCF", false, truth_norm,
                                               ref.get(), bed.get());
  LoadedVcf calls = eval_detail::load_variants(in.calls_vcf, "calls VCF", true, calls_norm,
                                               ref.get(), bed.get());
  const std::string tl = "the truth VCF '" + in.truth_vcf + "'";
  const std::string cl = "the calls VCF '" + in.calls_vcf + "'";
  check_naming(calls.record_contigs, cl, truth.contigs, tl);
  check_naming(truth.record_contigs, tl, calls.contigs, cl);
  if (bed) check_naming(bed->contigs(), "the BED '" + in.bed + "'", truth.contigs, tl);

  EvalResult res;
  res.truth = truth.stats;
  res.calls = calls.stats;
  res.left_aligned = ref != nullptr;
  res.bed_used = bed != nullptr;
  res.haplotype_match = in.haplotype_match;
  HaplotypeMatches hm_all, hm_pass;
  if (in.haplotype_match) {
    if (!ref)
      throw Error(ErrorKind::Config, "eval.match: haplotype needs the reference (--ref) to spell haplotypes");
    hm_all = eval_detail::match_haplotypes(truth.all, calls.all, *ref);
    hm_pass = eval_detail::match_haplotypes(truth.all, calls.pass, *ref);
  }
  for (VariantType t : {VariantType::SNP, VariantType::INDEL, VariantType::OTHER}) {
    if (t == VariantType::OTHER && !has_type(truth.all, t) && !has_type(calls.all, t)) continue;
    res.rows.push_back(make_row(t, "ALL", truth.all, calls.all, hm_all));
    res.rows.push_back(make_row(t, "PASS", truth.all, calls.pass, hm_pass));
  }
  auto add = [&](const char* status, const VariantKey& k, const VariantInfo& v, bool pass) {
    res.errors.push_back({status, v.type, k.contig, k.pos + 1, k.ref, k.alt, v.hom, pass});
  };
  for (const auto& [key, info] : truth.all)
    if (!truth_matched(key, calls.all, hm_all)) add("FN", key, info, true);
  for (const auto& [key, info] : calls.all)
    if (!call_matched(key, truth.all, hm_all)) add("FP", key, info, calls.pass.count(key) > 0);
  std::stable_sort(res.errors.begin(), res.errors.end(), [](const EvalError& a, const EvalError& b) {
    return std::tie(a.contig, a.pos) < std::tie(b.contig, b.pos);
  });
  return res;
}

std::string format_eval_table(const EvalResult& r) {
  std::vector<std::vector<std::string>> table = {kColumns};
  for (const auto& row : r.rows) table.push_back(cells(row));
  std::vector<size_t> width(kColumns.size(), 0);
  for (const auto& line : table)
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  std::string out;
  for (const auto& line : table) {
    std::string l;
    for (size_t i = 0; i < line.size(); ++i) {
      l += line[i];
      if (i + 1 < line.size()) l += std::string(width[i] - line[i].size() + 2, ' ');
    }
    out += l + "\n";
  }
  out += side_note("truth", r.truth, false, r.bed_used);
  out += side_note("calls", r.calls, true, r.bed_used);
  out += r.left_aligned
             ? "# normalisation: split multi-allelic, trimmed, indels left-aligned against the "
               "reference, MNPs split into SNPs\n"
             : "# normalisation: no --ref given, so alleles were split and trimmed but NOT "
               "left-aligned: an indel written at different places in a repeat will not match\n";
  out += r.haplotype_match
             ? "# matching: exact (CHROM, POS, REF, ALT) after normalisation, then clusters of the rest "
               "that spell the same haplotype (eval.match: haplotype); TP.GT = TPs with the same "
               "zygosity (het / hom-alt)\n"
             : "# matching: exact (CHROM, POS, REF, ALT) after normalisation, no haplotype-aware "
               "matching (eval.match: haplotype adds it); TP.GT = TPs with the same zygosity "
               "(het / hom-alt)\n";
  return out;
}

std::string format_eval_csv(const EvalResult& r) {
  std::string out;
  for (size_t i = 0; i < kColumns.size(); ++i) out += (i ? "," : "") + kColumns[i];
  out += "\n";
  for (const auto& row : r.rows) {
    const auto c = cells(row);
    for (size_t i = 0; i < c.size(); ++i) out += (i ? "," : "") + c[i];
    out += "\n";
  }
  return out;
}

std::string format_eval_errors(const EvalResult& r) {
  std::string out = "status\ttype\tchrom\tpos\tref\talt\tzygosity\tfilter\n";
  for (const auto& e : r.errors)
    out += e.status + "\t" + variant_type_name(e.type) + "\t" + e.contig + "\t" + std::to_string(e.pos) + "\t" +
           e.ref + "\t" + e.alt + "\t" + (e.hom ? "HOM" : "HET") + "\t" +
           (e.status == "FN" ? "." : e.pass ? "PASS" : "FILTERED") + "\n";
  return out;
}

}  // namespace dvhpc
