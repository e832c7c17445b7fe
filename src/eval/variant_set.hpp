// Internal to src/eval: one VCF read into a set of normalised biallelic
// alleles keyed for exact matching, and the BED as an interval lookup.
// The semantics are documented in include/dvhpc/eval.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "dvhpc/eval.hpp"
#include "dvhpc/normalize.hpp"

namespace dvhpc::eval_detail {

struct VariantKey {
  std::string contig;
  int64_t pos = 0;  // 0-based, normalised
  std::string ref, alt;
  bool operator<(const VariantKey& o) const {
    return std::tie(contig, pos, ref, alt) < std::tie(o.contig, o.pos, o.ref, o.alt);
  }
};

struct VariantInfo {
  VariantType type = VariantType::SNP;
  bool hom = false;  // every GT allele is this ALT
};

using VariantMap = std::map<VariantKey, VariantInfo>;

// Sorted, merged BED intervals per contig.
class IntervalSet {
 public:
  explicit IntervalSet(const std::string& bed_path);
  // True when begin <= pos < end for some interval on `contig`.
  bool contains(const std::string& contig, int64_t pos) const;
  std::set<std::string> contigs() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> by_contig_;
};

struct LoadedVcf {
  std::string path;
  VariantMap all;   // every record that carries an ALT
  VariantMap pass;  // calls side: FILTER PASS or '.' only (empty for truth)
  std::set<std::string> contigs;         // header contigs and record contigs
  std::set<std::string> record_contigs;  // contigs that have records
  EvalSideStats stats;
};

// Reads `path` (VCF, VCF.gz or BCF; no index needed) through htslib.
// `is_calls` enables the FILTER split; `bed` may be null. The normalizer's
// reference (if any) is checked against every record contig, with an error
// that names both files when only the "chr" prefix differs.
LoadedVcf load_variants(const std::string& path, const char* label, bool is_calls,
                        AlleleNormalizer& norm, const Reference* ref, const IntervalSet* bed);

// "chr20" <-> "20": the spelling the other naming convention would use.
std::string chr_alias(const std::string& contig);

}  // namespace dvhpc::eval_detail
