#include "candidate_records.hpp"

#include <algorithm>
#include <map>

namespace dvhpc {

std::vector<std::string> candidate_vcf_header() {
  return {
      "##source=dvhpc call (candidate stage)",
      "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Reads with an allele at the site, summed over samples\">",
      "##INFO=<ID=NS,Number=1,Type=Integer,Description=\"Samples in which the site is a candidate\">",
      "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting REF and each ALT ('.' where the allele is not a candidate in this sample)\">",
      "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Reads with an allele at the site in this sample\">",
  };
}

namespace {
struct SampleSite {
  const Candidate* c = nullptr;
};
}  // namespace

std::string candidate_vcf_block(const std::vector<std::vector<Candidate>>& per_sample) {
  // Group by (contig order as encountered, pos). Candidate lists are sorted
  // by position within one shard, which lies on one contig.
  std::map<int64_t, std::vector<SampleSite>> sites;
  std::string contig;
  const size_t ns = per_sample.size();
  for (size_t s = 0; s < ns; ++s)
    for (const auto& c : per_sample[s]) {
      contig = c.contig;
      auto& v = sites[c.pos];
      v.resize(ns);
      v[s].c = &c;
    }
  std::string out;
  for (const auto& [pos, v] : sites) {
    std::string ref;
    for (const auto& ss : v)
      if (ss.c && ss.c->ref.size() > ref.size()) ref = ss.c->ref;
    // Alleles rewritten against the longest REF, in first-seen order.
    std::vector<std::string> alts;
    auto extend = [&ref](const Candidate& c, const std::string& alt) {
      return alt + ref.substr(c.ref.size());
    };
    for (const auto& ss : v)
      if (ss.c)
        for (const auto& a : ss.c->alts) {
          std::string x = extend(*ss.c, a);
          if (std::find(alts.begin(), alts.end(), x) == alts.end()) alts.push_back(x);
        }
    int64_t dp = 0, present = 0;
    std::string samples;
    for (const auto& ss : v) {
      samples += '\t';
      if (!ss.c) {
        samples += ".:.";
        continue;
      }
      ++present;
      dp += ss.c->total;
      std::vector<std::string> ad(alts.size(), ".");
      for (size_t k = 0; k < ss.c->alts.size(); ++k) {
        auto it = std::find(alts.begin(), alts.end(), extend(*ss.c, ss.c->alts[k]));
        ad[static_cast<size_t>(it - alts.begin())] = std::to_string(ss.c->alt_counts[k]);
      }
      samples += std::to_string(ss.c->ref_count);
      for (const auto& a : ad) samples += "," + a;
      samples += ":" + std::to_string(ss.c->total);
    }
    std::string alt_field;
    for (const auto& a : alts) alt_field += (alt_field.empty() ? "" : ",") + a;
    out += contig + "\t" + std::to_string(pos + 1) + "\t.\t" + ref + "\t" + alt_field + "\t.\t.\tDP=" +
           std::to_string(dp) + ";NS=" + std::to_string(present) + "\tAD:DP" + samples + "\n";
  }
  return out;
}

}  // namespace dvhpc
