#include "haplotype_match.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "dvhpc/reference.hpp"

namespace dvhpc::eval_detail {
namespace {

struct Entry {
  const VariantKey* key;
  const VariantInfo* info;
  bool truth;
  int64_t end() const { return key->pos + static_cast<int64_t>(key->ref.size()); }
};

// The reference over [begin, end) with one side's alleles applied; false
// when two of them overlap.
bool apply(const std::vector<const Entry*>& alleles, const std::string& ref, int64_t begin, std::string& out) {
  out.clear();
  int64_t cursor = begin;
  for (const Entry* a : alleles) {
    if (a->key->pos < cursor) return false;
    out += ref.substr(static_cast<size_t>(cursor - begin), static_cast<size_t>(a->key->pos - cursor));
    out += a->key->alt;
    cursor = a->end();
  }
  out += ref.substr(static_cast<size_t>(cursor - begin));
  return true;
}

void match_cluster(const std::vector<Entry>& cluster, const Reference& ref, HaplotypeMatches& out) {
  std::vector<const Entry*> sides[2];
  int64_t begin = cluster.front().key->pos, end = begin;
  for (const Entry& e : cluster) {
    sides[e.truth ? 0 : 1].push_back(&e);
    begin = std::min(begin, e.key->pos);
    end = std::max(end, e.end());
  }
  if (sides[0].empty() || sides[1].empty()) return;
  const std::string seq = ref.fetch(cluster.front().key->contig, begin, end);
  std::string a, b;
  if (!apply(sides[0], seq, begin, a) || !apply(sides[1], seq, begin, b) || a != b) return;
  const bool all_hom = std::all_of(cluster.begin(), cluster.end(), [](const Entry& e) { return e.info->hom; });
  const bool all_het = std::none_of(cluster.begin(), cluster.end(), [](const Entry& e) { return e.info->hom; });
  for (const Entry* e : sides[0]) out.truth[*e->key] = e->info->hom ? all_hom : all_het;
  for (const Entry* e : sides[1]) out.calls[*e->key] = true;
}

}  // namespace

HaplotypeMatches match_haplotypes(const VariantMap& truth, const VariantMap& calls, const Reference& ref) {
  std::vector<Entry> left;
  for (const auto& [k, v] : truth)
    if (v.type != VariantType::OTHER && !calls.count(k)) left.push_back({&k, &v, true});
  for (const auto& [k, v] : calls)
    if (v.type != VariantType::OTHER && !truth.count(k)) left.push_back({&k, &v, false});
  std::sort(left.begin(), left.end(), [](const Entry& x, const Entry& y) {
    return std::tie(x.key->contig, x.key->pos, x.truth) < std::tie(y.key->contig, y.key->pos, y.truth);
  });
  HaplotypeMatches out;
  std::vector<Entry> cluster;
  int64_t cluster_end = 0;
  for (const Entry& e : left) {
    if (!cluster.empty() && (e.key->contig != cluster.front().key->contig || e.key->pos > cluster_end + kClusterGap)) {
      match_cluster(cluster, ref, out);
      cluster.clear();
    }
    if (cluster.empty()) cluster_end = e.end();
    cluster.push_back(e);
    cluster_end = std::max(cluster_end, e.end());
  }
  if (!cluster.empty()) match_cluster(cluster, ref, out);
  return out;
}

}  // namespace dvhpc::eval_detail
