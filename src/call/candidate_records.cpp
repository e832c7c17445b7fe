#include "candidate_records.hpp"

#include <algorithm>
#include <map>

namespace dvhpc {

std::vector<MergedSite> merge_sites(const std::vector<std::vector<Candidate>>& per_sample) {
  const size_t ns = per_sample.size();
  std::map<int64_t, std::vector<const Candidate*>> by_pos;
  for (size_t s = 0; s < ns; ++s)
    for (const auto& c : per_sample[s]) {
      auto& v = by_pos[c.pos];
      v.resize(ns, nullptr);
      v[s] = &c;
    }
  std::vector<MergedSite> out;
  for (auto& [pos, v] : by_pos) {
    MergedSite m;
    m.per_sample = v;
    m.alt_index.resize(ns);
    Candidate& site = m.site;
    for (const Candidate* c : v)
      if (c && c->ref.size() > site.ref.size()) {
        site.contig = c->contig;
        site.pos = c->pos;
        site.ref = c->ref;
      }
    for (size_t s = 0; s < ns; ++s) {
      const Candidate* c = v[s];
      if (!c) continue;
      site.ref_count += c->ref_count;
      site.total += c->total;
      for (size_t k = 0; k < c->alts.size(); ++k) {
        const std::string alt = c->alts[k] + site.ref.substr(c->ref.size());
        auto it = std::find(site.alts.begin(), site.alts.end(), alt);
        if (it == site.alts.end()) {
          site.alts.push_back(alt);
          site.alt_counts.push_back(0);
          it = site.alts.end() - 1;
        }
        const size_t idx = static_cast<size_t>(it - site.alts.begin());
        site.alt_counts[idx] += c->alt_counts[k];
        m.alt_index[s].push_back(idx);
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string sample_ad(const MergedSite& m, size_t s) {
  const Candidate* c = m.per_sample[s];
  if (!c) return ".";
  std::vector<std::string> ad(m.site.alts.size(), ".");
  for (size_t k = 0; k < c->alts.size(); ++k) ad[m.alt_index[s][k]] = std::to_string(c->alt_counts[k]);
  std::string out = std::to_string(c->ref_count);
  for (const auto& a : ad) out += "," + a;
  return out;
}

std::string sample_dp(const MergedSite& m, size_t s) {
  return m.per_sample[s] ? std::to_string(m.per_sample[s]->total) : ".";
}

std::vector<std::string> candidate_vcf_header() {
  return {
      "##source=dvhpc call (candidate stage)",
      "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Reads with an allele at the site, summed over samples\">",
      "##INFO=<ID=NS,Number=1,Type=Integer,Description=\"Samples in which the site is a candidate\">",
      "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting REF and each ALT ('.' where the allele is not a candidate in this sample)\">",
      "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Reads with an allele at the site in this sample\">",
  };
}

std::string candidate_vcf_block(const std::vector<MergedSite>& sites) {
  std::string out;
  for (const auto& m : sites) {
    int64_t present = 0;
    std::string samples;
    for (size_t s = 0; s < m.per_sample.size(); ++s) {
      present += m.per_sample[s] != nullptr;
      samples += "\t" + sample_ad(m, s) + ":" + sample_dp(m, s);
    }
    std::string alts;
    for (const auto& a : m.site.alts) alts += (alts.empty() ? "" : ",") + a;
    out += m.site.contig + "\t" + std::to_string(m.site.pos + 1) + "\t.\t" + m.site.ref + "\t" + alts +
           "\t.\t.\tDP=" + std::to_string(m.site.total) + ";NS=" + std::to_string(present) + "\tAD:DP" + samples +
           "\n";
  }
  return out;
}

}  // namespace dvhpc
