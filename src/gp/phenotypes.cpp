#include "phenotypes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "dvhpc/error.hpp"
#include "dvhpc/genotype_io.hpp"
#include "dvhpc/sim/rng.hpp"

namespace dvhpc::gp {
namespace {

// `where`: "FILE:LINE" of the row at fault.
[[noreturn]] void bad(const std::string& where, const std::string& msg) {
  throw Error(ErrorKind::Input, where + ": " + msg);
}
[[noreturn]] void bad(const std::string& path, int64_t line, const std::string& msg) {
  bad(path + ":" + std::to_string(line), msg);
}

// Genotype columns by (FID, IID) and by IID (-2: the IID is not unique).
class SampleIndex {
 public:
  explicit SampleIndex(const std::vector<SampleId>& samples) {
    for (size_t j = 0; j < samples.size(); ++j) {
      by_pair_.emplace(samples[j].fid + '\t' + samples[j].iid, static_cast<int64_t>(j));
      auto [it, added] = by_iid_.emplace(samples[j].iid, static_cast<int64_t>(j));
      if (!added) it->second = -2;
    }
  }
  // The column of a row's sample, or throws naming the row.
  int64_t find(const std::string& where, const std::string* fid, const std::string& iid) const {
    if (fid) {
      if (auto it = by_pair_.find(*fid + '\t' + iid); it != by_pair_.end()) return it->second;
      bad(where, "sample '" + *fid + " " + iid + "' (FID IID) is not in the genotypes");
    }
    auto it = by_iid_.find(iid);
    if (it == by_iid_.end()) bad(where, "sample IID '" + iid + "' is not in the genotypes");
    if (it->second < 0)
      bad(where, "IID '" + iid + "' belongs to several genotyped samples: add an FID column to the table");
    return it->second;
  }

 private:
  std::unordered_map<std::string, int64_t> by_pair_, by_iid_;
};

double parse_value(const std::string& path, int64_t line, const std::string& s, const std::string& trait) {
  if (s == "NA" || s == "na" || s == "NaN" || s == "nan" || s == ".") return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v))
    bad(path, line, "trait '" + trait + "': '" + s + "' is not a number (NA for missing)");
  return v;
}

}  // namespace

Phenotypes read_phenotypes(const std::string& path, const std::vector<SampleId>& samples,
                           const std::vector<std::string>& wanted) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::Input, "cannot open the phenotype table '" + path + "'");
  const SampleIndex index(samples);
  std::string line;
  int64_t lineno = 0;
  std::vector<std::string> header;
  while (header.empty() && std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // tables saved on Windows
    std::istringstream f(line);
    for (std::string s; f >> s;) header.push_back(s);
  }
  if (!header.empty() && header[0][0] == '#') header[0].erase(0, 1);
  const bool has_fid = header.size() >= 2 && header[0] == "FID" && header[1] == "IID";
  if (!has_fid && (header.empty() || header[0] != "IID"))
    bad(path, lineno, "the first line must be a header 'FID IID trait...' (or 'IID trait...')");
  const size_t first = has_fid ? 2 : 1;
  if (header.size() <= first) bad(path, lineno, "the header names no trait column");
  std::vector<size_t> cols;  // table columns of the traits kept, in output order
  Phenotypes p;
  if (wanted.empty()) {
    for (size_t c = first; c < header.size(); ++c) cols.push_back(c);
  } else {
    for (const auto& t : wanted) {
      auto it = std::find(header.begin() + static_cast<long>(first), header.end(), t);
      if (it == header.end())
        throw Error(ErrorKind::Input, "gp.traits: trait '" + t + "' is not a column of '" + path + "'");
      cols.push_back(static_cast<size_t>(it - header.begin()));
    }
  }
  for (size_t c : cols) p.traits.push_back(header[c]);
  std::set<std::string> unique(p.traits.begin(), p.traits.end());
  if (unique.size() != p.traits.size()) bad(path, 1, "a trait is named twice");
  p.values.assign(cols.size(), std::vector<double>(samples.size(), std::numeric_limits<double>::quiet_NaN()));
  std::vector<int64_t> seen_at(samples.size(), 0);
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream f(line);
    std::vector<std::string> row;
    for (std::string s; f >> s;) row.push_back(s);
    if (row.empty()) continue;
    if (row.size() != header.size())
      bad(path, lineno, std::to_string(row.size()) + " fields, the header has " + std::to_string(header.size()));
    const int64_t col = index.find(path + ":" + std::to_string(lineno), has_fid ? &row[0] : nullptr, row[first - 1]);
    if (seen_at[static_cast<size_t>(col)] != 0)
      bad(path, lineno, "sample '" + row[first - 1] + "' appears twice (also line " +
                            std::to_string(seen_at[static_cast<size_t>(col)]) + ")");
    seen_at[static_cast<size_t>(col)] = lineno;
    for (size_t t = 0; t < cols.size(); ++t)
      p.values[t][static_cast<size_t>(col)] = parse_value(path, lineno, row[cols[t]], p.traits[t]);
  }
  return p;
}

std::vector<int> read_folds(const std::string& path, const std::vector<SampleId>& samples, int* k) {
  const SampleIndex index(samples);
  std::vector<int> fold(samples.size(), -1);
  std::vector<std::pair<int64_t, long>> rows;
  std::set<long> labels;
  int64_t line = 0;
  for (const auto& [id, value] : read_sample_table(path)) {
    ++line;  // the table's data rows (read_sample_table has checked the format)
    char* end = nullptr;
    const long label = std::strtol(value.c_str(), &end, 10);
    if (end == value.c_str() || *end != '\0')
      throw Error(ErrorKind::Input, path + ": sample '" + id.fid + " " + id.iid + "': fold '" + value +
                                        "' is not an integer");
    rows.emplace_back(index.find(path + " (data row " + std::to_string(line) + ")", &id.fid, id.iid), label);
    labels.insert(label);
  }
  if (labels.size() < 2)
    throw Error(ErrorKind::Input, path + ": cross-validation needs at least 2 folds, the table has " +
                                      std::to_string(labels.size()));
  const std::vector<long> sorted(labels.begin(), labels.end());
  for (const auto& [col, label] : rows)
    fold[static_cast<size_t>(col)] =
        static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(), label) - sorted.begin());
  *k = static_cast<int>(sorted.size());
  return fold;
}

std::vector<int> random_folds(const std::vector<bool>& use, int k, uint64_t seed) {
  std::vector<int64_t> order;
  for (size_t j = 0; j < use.size(); ++j)
    if (use[j]) order.push_back(static_cast<int64_t>(j));
  sim::SimRng rng(sim::key(seed, {0x67705f666f6c6473ULL}));  // "gp_folds"
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  std::vector<int> fold(use.size(), -1);
  for (size_t i = 0; i < order.size(); ++i) fold[static_cast<size_t>(order[i])] = static_cast<int>(i % static_cast<size_t>(k));
  return fold;
}

}  // namespace dvhpc::gp
