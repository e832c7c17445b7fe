#include "dvhpc/example_query.hpp"

namespace dvhpc {

MinimalAllele minimal_allele(const Candidate& site, size_t alt) {
  MinimalAllele m;
  m.pos = site.pos;
  std::string ref = site.ref, a = site.alts.at(alt);
  normalize_allele(m.pos, ref, a);
  if (ref.size() == 1 && a.size() == 1) {
    m.type = kSnp;
    m.length = 1;
    m.seq = a;
  } else if (ref.size() == 1 && a.size() > 1 && a[0] == ref[0]) {
    m.type = kInsertion;
    m.length = static_cast<int32_t>(a.size() - 1);
    m.seq = a.substr(1);
  } else if (a.size() == 1 && ref.size() > 1 && a[0] == ref[0]) {
    m.type = kDeletion;
    m.length = static_cast<int32_t>(ref.size() - 1);
  } else {
    m.type = kComplex;
  }
  return m;
}

std::vector<ExampleQuery> example_queries(const std::vector<Candidate>& sites) {
  std::vector<ExampleQuery> out;
  for (size_t s = 0; s < sites.size(); ++s) {
    const int32_t n = static_cast<int32_t>(sites[s].alts.size());
    for (int32_t i = 0; i < n; ++i) out.push_back({static_cast<int32_t>(s), 1, {i, 0}});
    for (int32_t i = 0; i < n; ++i)
      for (int32_t j = i + 1; j < n; ++j) out.push_back({static_cast<int32_t>(s), 2, {i, j}});
  }
  return out;
}

std::string query_alt_string(const Candidate& site, const ExampleQuery& q) {
  std::string s = site.alts.at(static_cast<size_t>(q.alt[0]));
  if (q.n_alts == 2) s += "|" + site.alts.at(static_cast<size_t>(q.alt[1]));
  return s;
}

VariantType query_variant_type(const Candidate& site, const ExampleQuery& q) {
  VariantType t = minimal_allele(site, static_cast<size_t>(q.alt[0])).type;
  if (q.n_alts == 2 && minimal_allele(site, static_cast<size_t>(q.alt[1])).type != t) t = kComplex;
  return t;
}

int32_t query_alt_count(const Candidate& site, const ExampleQuery& q) {
  auto count = [&](int32_t a) {
    return static_cast<size_t>(a) < site.alt_counts.size() ? site.alt_counts[static_cast<size_t>(a)] : 0;
  };
  return count(q.alt[0]) + (q.n_alts == 2 ? count(q.alt[1]) : 0);
}

}  // namespace dvhpc
