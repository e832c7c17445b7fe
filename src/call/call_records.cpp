#include "call_records.hpp"

#include <algorithm>
#include <cstdio>

namespace dvhpc {

std::vector<std::string> call_vcf_header() {
  return {
      "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Reads with an allele at the site, summed over samples\">",
      "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
      "##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality: -10log10 P(genotype is wrong)\">",
      "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Reads with an allele at the site\">",
      "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting REF and each ALT: at sites with an indel ALT the reads that fit that allele best after realignment (reads that fit none clearly are not counted), elsewhere the allele counts ('.' where the allele is not a candidate in this sample)\">",
      "##FORMAT=<ID=VAF,Number=A,Type=Float,Description=\"Reads supporting each ALT (as in AD) / DP\">",
      "##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype posteriors relative to the called genotype\">",
  };
}

namespace {
std::string vaf_field(const MergedSite& m, size_t s, const GenotypeCall& call) {
  const Candidate* c = m.per_sample[s];
  if (!c || c->total <= 0) return ".";
  auto fraction = [&](int32_t reads) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(reads) / c->total);
    return std::string(buf);
  };
  std::vector<std::string> v(m.site.alts.size(), ".");
  if (!call.realigned_ad.empty()) {
    for (size_t k = 0; k < v.size(); ++k) v[k] = fraction(call.realigned_ad[k + 1]);
  } else {
    for (size_t k = 0; k < c->alts.size(); ++k) v[m.alt_index[s][k]] = fraction(c->alt_counts[k]);
  }
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}
std::string ad_field(const MergedSite& m, size_t s, const GenotypeCall& call) {
  if (call.realigned_ad.empty()) return sample_ad(m, s);
  std::string out;
  for (int32_t x : call.realigned_ad) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

}  // namespace

int64_t add_call_records(const std::vector<MergedSite>& sites,
                         const std::vector<std::vector<GenotypeCall>>& calls, std::string& vcf,
                         CallColumns& cols) {
  int64_t written = 0;
  const size_t ns = calls.size();
  for (size_t i = 0; i < sites.size(); ++i) {
    bool variant = false;
    double qual = 0;
    for (size_t s = 0; s < ns; ++s) {
      variant = variant || calls[s][i].is_variant();
      qual = std::max(qual, calls[s][i].qual);
    }
    if (!variant) continue;  // hom-ref candidates are not written
    const MergedSite& m = sites[i];
    std::string alts;
    for (const auto& a : m.site.alts) alts += (alts.empty() ? "" : ",") + a;
    char q[32];
    std::snprintf(q, sizeof q, "%.1f", qual);
    std::string line = m.site.contig + "\t" + std::to_string(m.site.pos + 1) + "\t.\t" + m.site.ref + "\t" + alts +
                       "\t" + q + "\tPASS\tDP=" + std::to_string(m.site.total) + "\tGT:GQ:DP:AD:VAF:PL";
    for (size_t s = 0; s < ns; ++s) {
      const GenotypeCall& c = calls[s][i];
      std::string pl;
      for (int x : c.pl) pl += (pl.empty() ? "" : ",") + std::to_string(x);
      line += "\t" + std::to_string(c.allele1) + "/" + std::to_string(c.allele2) + ":" +
              std::to_string(static_cast<int>(c.gq)) + ":" + sample_dp(m, s) + ":" + ad_field(m, s, c) + ":" +
              vaf_field(m, s, c) + ":" + pl;
      cols.genotypes.push_back(static_cast<int8_t>((c.allele1 > 0) + (c.allele2 > 0)));
      // Posterior mass by number of alt copies.
      float p[3] = {0, 0, 0};
      const int n_alts = static_cast<int>(m.site.alts.size());
      for (int j = 0; j <= n_alts; ++j)
        for (int a = 0; a <= j; ++a)
          p[(a > 0) + (j > 0)] += static_cast<float>(c.posterior[static_cast<size_t>(genotype_index(a, j))]);
      cols.probabilities.insert(cols.probabilities.end(), p, p + 3);
    }
    vcf += line + "\n";
    cols.contig.push_back(m.site.contig);
    cols.pos.push_back(m.site.pos + 1);
    cols.ref.push_back(m.site.ref);
    cols.alt.push_back(alts);
    cols.qual.push_back(static_cast<float>(qual));
    ++written;
  }
  return written;
}

}  // namespace dvhpc
