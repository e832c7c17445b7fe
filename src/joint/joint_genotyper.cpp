#include "joint_genotyper.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "dvhpc/genotype_call.hpp"

namespace dvhpc {
namespace {

constexpr int kEmIterations = 20;

// What sample j's records say about position `pos`: its site record there,
// the reference block covering it, or a site record that starts before it
// and spans it (a deletion or longer REF): binary searches, and a walk back
// over the site records no longer than the sample's longest REF.
struct AtPos {
  const GvcfRecord* at = nullptr;
  const GvcfBlock* block = nullptr;
  const GvcfRecord* span = nullptr;
};

AtPos locate(const SampleRecords& recs, int64_t pos) {
  AtPos f;
  const auto& b = recs.blocks;
  auto bi = std::upper_bound(b.begin(), b.end(), pos, [](int64_t p, const GvcfBlock& r) { return p < r.pos; });
  if (bi != b.begin() && std::prev(bi)->end > pos) f.block = &*std::prev(bi);
  // Site records starting at or before pos, back as far as the longest REF reaches.
  const auto& s = recs.sites;
  auto it = std::upper_bound(s.begin(), s.end(), pos, [](int64_t p, const GvcfRecord& r) { return p < r.pos; });
  while (it != s.begin()) {
    const GvcfRecord& r = *--it;
    if (r.pos + recs.longest_ref <= pos) break;
    if (r.pos == pos) {
      if (!f.at) f.at = &r;
    } else if (r.end > pos && !f.span) {
      f.span = &r;
    }
  }
  return f;
}

// Whether allele k (> 0, not <*>) of a record starting before `pos` leaves
// pos out: a deletion whose bases after the shared anchor end before it.
bool deletes(const GvcfRecord& r, int k, int64_t pos) {
  if (k <= 0 || k == r.star || static_cast<size_t>(k) > r.alts.size()) return false;
  const std::string& alt = r.alts[static_cast<size_t>(k - 1)];
  return alt.size() < r.ref.size() && pos - r.pos >= static_cast<int64_t>(alt.size());
}

// Whether the sample's called genotype at its spanning record deletes pos.
bool calls_spanning_deletion(const AtPos& f, int64_t pos) {
  return !f.at && f.span && (deletes(*f.span, f.span->a1, pos) || deletes(*f.span, f.span->a2, pos));
}

// Sample j's likelihoods (linear, relative) over unified genotypes, or empty.
// `star`: index of the unified `*` allele (spanning deletion), -1 if none.
std::vector<double> sample_likelihoods(const AtPos& f, int64_t pos, const std::string& uref,
                                       const std::vector<std::string>& ualts, int star, std::vector<int>& pl_out) {
  const int n = static_cast<int>(ualts.size()) + 1, ng = n * (n + 1) / 2;
  std::vector<int> pl(static_cast<size_t>(ng), -1);
  if (f.at && !f.at->pl.empty()) {
    const GvcfRecord* at = f.at;
    // Unified allele u -> this record's allele index (its <*> when it lacks u).
    std::vector<int> map(static_cast<size_t>(n), at->star);
    map[0] = 0;
    for (int u = 1; u < n; ++u)
      for (size_t k = 0; k < at->alts.size(); ++k)
        if (at->alts[k] + uref.substr(std::min(at->ref.size(), uref.size())) == ualts[static_cast<size_t>(u - 1)])
          map[static_cast<size_t>(u)] = static_cast<int>(k) + 1;
    for (int b = 0; b < n; ++b)
      for (int a = 0; a <= b; ++a) {
        int x = map[static_cast<size_t>(a)], y = map[static_cast<size_t>(b)];
        if (x < 0 || y < 0) return {};
        if (x > y) std::swap(x, y);
        const size_t gi = static_cast<size_t>(genotype_index(x, y));
        if (gi >= at->pl.size()) return {};
        pl[static_cast<size_t>(genotype_index(a, b))] = at->pl[gi];
      }
  } else if (f.span && !f.span->pl.empty()) {
    // A record spanning pos: its alleles that delete pos are `*` here, the
    // others (REF, SNVs, insertions at its anchor) the reference base; the
    // site's own ALTs take its <*>. A unified genotype's PL is the best of
    // the record's genotypes that map onto it (GLnexus's projection).
    const GvcfRecord& r = *f.span;
    const int nr = static_cast<int>(r.alts.size()) + (r.star > 0 ? 2 : 1);
    auto unified = [&](int x) { return x == r.star ? (n > 1 ? 1 : 0) : deletes(r, x, pos) ? star : 0; };
    for (int y = 0; y < nr; ++y)
      for (int x = 0; x <= y; ++x) {
        int a = unified(x), b = unified(y);
        const size_t gi = static_cast<size_t>(genotype_index(x, y));
        if (a < 0 || b < 0 || gi >= r.pl.size()) continue;
        if (a > b) std::swap(a, b);
        int& v = pl[static_cast<size_t>(genotype_index(a, b))];
        v = v < 0 ? r.pl[gi] : std::min(v, r.pl[gi]);
      }
    // Other site ALTs stand where the record's <*> stands.
    for (int b = 0; b < n; ++b)
      for (int a = 0; a <= b; ++a) {
        int& v = pl[static_cast<size_t>(genotype_index(a, b))];
        if (v >= 0) continue;
        const int ra = (a == 0 || a == star) ? a : 1, rb = (b == 0 || b == star) ? b : 1;
        v = pl[static_cast<size_t>(genotype_index(std::min(ra, rb), std::max(ra, rb)))];
        if (v < 0) v = 999;
      }
  } else if (f.block) {
    const int p0 = f.block->pl[0], p1 = f.block->pl[1], p2 = f.block->pl[2];
    for (int b = 0; b < n; ++b)
      for (int a = 0; a <= b; ++a) pl[static_cast<size_t>(genotype_index(a, b))] = a == 0 ? (b == 0 ? p0 : p1) : p2;
  } else {
    return {};
  }
  const int best = *std::min_element(pl.begin(), pl.end());
  std::vector<double> l(pl.size());
  for (size_t g = 0; g < pl.size(); ++g) {
    pl[g] -= best;
    l[g] = std::pow(10.0, -pl[g] / 10.0);
  }
  pl_out = pl;
  return l;
}

}  // namespace

int JointSite::ac_total() const {
  int ac = 0;
  for (size_t j = 0; j < a1.size(); ++j) ac += (a1[j] > 0) + (a2[j] > 0);
  return ac;
}

std::vector<JointSite> joint_genotype(const Region& region, const std::vector<SampleRecords>& records) {
  std::vector<JointSite> out;
  joint_genotype(region, records, [&](const JointSite& s) { out.push_back(s); });
  return out;
}

void joint_genotype(const Region& region, const std::vector<SampleRecords>& records,
                    const std::function<void(const JointSite&)>& emit) {
  const size_t ns = records.size();
  // 1. Sites and their unified alleles.
  struct Alleles {
    std::string ref;
    std::vector<std::pair<std::string, std::string>> called;  // (ref, alt) as the samples wrote them
  };
  std::map<int64_t, Alleles> at;
  for (const auto& recs : records)
    for (const auto& r : recs.sites) {
      if (r.pos < region.begin || r.pos >= region.end) continue;
      for (int a : {r.a1, r.a2})
        if (a > 0 && a != r.star && static_cast<size_t>(a) <= r.alts.size())
          at[r.pos].called.emplace_back(r.ref, r.alts[static_cast<size_t>(a - 1)]);
    }
  for (const auto& recs : records)
    for (const auto& r : recs.sites)
      if (at.count(r.pos) && r.ref.size() > at[r.pos].ref.size()) at[r.pos].ref = r.ref;
  for (auto& [pos, al] : at) {
    JointSite s;
    s.contig = region.contig;
    s.pos = pos;
    s.ref = al.ref;
    for (const auto& [ref, alt] : al.called) {
      const std::string u = alt + al.ref.substr(std::min(ref.size(), al.ref.size()));
      if (u != s.ref && std::find(s.alts.begin(), s.alts.end(), u) == s.alts.end()) s.alts.push_back(u);
    }
    if (s.alts.empty()) continue;
    // A sample whose called deletion spans the site has allele `*` there.
    std::vector<AtPos> found(ns);
    int star = -1;
    for (size_t j = 0; j < ns; ++j) {
      found[j] = locate(records[j], pos);
      if (star < 0 && calls_spanning_deletion(found[j], pos)) {
        s.alts.push_back("*");
        star = static_cast<int>(s.alts.size());
      }
    }
    const int n = static_cast<int>(s.alts.size()) + 1, ng = n * (n + 1) / 2;
    // 2. Likelihoods per sample.
    std::vector<std::vector<double>> lik(ns);
    s.pl.resize(ns);
    for (size_t j = 0; j < ns; ++j) lik[j] = sample_likelihoods(found[j], pos, s.ref, s.alts, star, s.pl[j]);
    // 3. Allele frequencies by EM, then posterior genotypes.
    std::vector<double> f(static_cast<size_t>(n), 0.1 / (n - 1));
    f[0] = 0.9;
    std::vector<double> post(static_cast<size_t>(ng));
    auto posterior = [&](const std::vector<double>& l) {
      double sum = 0;
      for (int b = 0; b < n; ++b)
        for (int a = 0; a <= b; ++a) {
          const size_t g = static_cast<size_t>(genotype_index(a, b));
          post[g] = l[g] * f[static_cast<size_t>(a)] * f[static_cast<size_t>(b)] * (a == b ? 1.0 : 2.0);
          sum += post[g];
        }
      for (auto& p : post) p /= sum > 0 ? sum : 1.0;
    };
    for (int it = 0; it < kEmIterations; ++it) {
      std::vector<double> counts(static_cast<size_t>(n), 0.5);  // a half pseudo-count per allele
      for (const auto& l : lik) {
        if (l.empty()) continue;
        posterior(l);
        for (int b = 0; b < n; ++b)
          for (int a = 0; a <= b; ++a) {
            const double p = post[static_cast<size_t>(genotype_index(a, b))];
            counts[static_cast<size_t>(a)] += p;
            counts[static_cast<size_t>(b)] += p;
          }
      }
      double total = 0;
      for (double c : counts) total += c;
      for (int a = 0; a < n; ++a) f[static_cast<size_t>(a)] = counts[static_cast<size_t>(a)] / total;
    }
    double log_all_ref = 0;
    s.a1.assign(ns, -1);
    s.a2.assign(ns, -1);
    s.gq.assign(ns, 0);
    for (size_t j = 0; j < ns; ++j) {
      if (lik[j].empty()) continue;
      posterior(lik[j]);
      int best_a = 0, best_b = 0;
      for (int b = 0; b < n; ++b)
        for (int a = 0; a <= b; ++a)
          if (post[static_cast<size_t>(genotype_index(a, b))] > post[static_cast<size_t>(genotype_index(best_a, best_b))])
            best_a = a, best_b = b;
      const double pbest = post[static_cast<size_t>(genotype_index(best_a, best_b))];
      s.a1[j] = best_a;
      s.a2[j] = best_b;
      s.gq[j] = static_cast<int>(std::min(99.0, std::floor(-10.0 * std::log10(std::max(1.0 - pbest, 1e-10)))));
      log_all_ref += std::log10(std::max(post[0], 1e-300));
    }
    s.qual = std::min(9999.0, -10.0 * log_all_ref);
    if (s.ac_total() == 0) continue;  // every sample hom-ref after pooling
    emit(s);
  }
}

std::vector<std::string> joint_vcf_header() {
  return {
      "##INFO=<ID=AC,Number=A,Type=Integer,Description=\"Allele count in called genotypes\">",
      "##INFO=<ID=AN,Number=1,Type=Integer,Description=\"Alleles in called genotypes\">",
      "##INFO=<ID=AF,Number=A,Type=Float,Description=\"Allele frequency in called genotypes\">",
      "##INFO=<ID=CR,Number=1,Type=Float,Description=\"Call rate: samples with data at the site / all samples\">",
      "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype (joint: posterior mode under the cohort's "
      "allele frequencies)\">",
      "##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality from the joint posterior\">",
      "##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"The sample's phred-scaled genotype likelihoods from its "
      "gVCF, mapped onto the site's alleles\">",
  };
}

std::string joint_vcf_record(const JointSite& s) {
  const size_t na = s.alts.size();
  std::vector<int> ac(na, 0);
  int an = 0, called = 0;
  for (size_t j = 0; j < s.a1.size(); ++j) {
    if (s.a1[j] < 0) continue;
    ++called;
    an += 2;
    for (int a : {s.a1[j], s.a2[j]})
      if (a > 0) ++ac[static_cast<size_t>(a - 1)];
  }
  std::string alts, acs, afs;
  char buf[64];
  for (size_t k = 0; k < na; ++k) {
    alts += (k ? "," : "") + s.alts[k];
    acs += (k ? "," : "") + std::to_string(ac[k]);
    std::snprintf(buf, sizeof buf, "%s%.4g", k ? "," : "", an ? static_cast<double>(ac[k]) / an : 0.0);
    afs += buf;
  }
  std::snprintf(buf, sizeof buf, "%.1f", s.qual);
  std::string line = s.contig + '\t' + std::to_string(s.pos + 1) + "\t.\t" + s.ref + '\t' + alts + '\t' + buf +
                     "\tPASS\tAC=" + acs + ";AN=" + std::to_string(an) + ";AF=" + afs;
  std::snprintf(buf, sizeof buf, ";CR=%.4g", s.a1.empty() ? 0.0 : static_cast<double>(called) / s.a1.size());
  line += std::string(buf) + "\tGT:GQ:PL";
  for (size_t j = 0; j < s.a1.size(); ++j) {
    if (s.a1[j] < 0) {
      line += "\t./.:.:.";
      continue;
    }
    std::string pl;
    for (int x : s.pl[j]) pl += (pl.empty() ? "" : ",") + std::to_string(x);
    line += '\t' + std::to_string(s.a1[j]) + '/' + std::to_string(s.a2[j]) + ':' + std::to_string(s.gq[j]) + ':' + pl;
  }
  return line + '\n';
}

}  // namespace dvhpc
