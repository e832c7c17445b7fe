#include "gvcf_records.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "dvhpc/error.hpp"

#include "dvhpc/read_batch.hpp"

namespace dvhpc {
namespace {

constexpr double kError = 0.01;
constexpr double kFractions[4] = {0.2, 0.3, 0.4, 0.5};

// Phred scale of log10 likelihoods relative to their maximum.
int phred(double l, double best) { return static_cast<int>(std::lround(std::min(-10.0 * (l - best), 999.0))); }

struct Block {
  int64_t begin = -1, end = -1;  // 0-based, half-open
  int band = -1, gq = 99, min_dp = 0;
  std::array<int, 3> pl{0, 0, 0};
};

void emit_block(const Block& b, const std::string& contig, const std::string& ref, int64_t window_begin,
                std::string& out) {
  if (b.begin < 0 || b.end <= b.begin) return;
  char base = ref[static_cast<size_t>(b.begin - window_begin)];
  base = static_cast<char>(base >= 'a' && base <= 'z' ? base - 32 : base);
  if (base != 'A' && base != 'C' && base != 'G' && base != 'T') base = 'N';
  out += contig + '\t' + std::to_string(b.begin + 1) + "\t.\t" + base + "\t<*>\t0\t.\tEND=" +
         std::to_string(b.end) + "\tGT:GQ:MIN_DP:PL\t0/0:" + std::to_string(b.gq) + ':' +
         std::to_string(b.min_dp) + ":0," + std::to_string(b.gq) + ',' +
         std::to_string(std::max(b.gq, b.pl[2] - b.pl[0])) + '\n';
}

// The site's record for one sample: ALT + <*>, PL extended to the <*> allele.
void emit_site(const MergedSite& m, const GenotypeCall& c, size_t sample, std::string& out) {
  std::string alts;
  for (const auto& a : m.site.alts) alts += a + ',';
  const int n = static_cast<int>(m.site.alts.size());
  // Genotypes with <*> (allele n+1): 30 above the same genotype with REF in
  // its place, i.e. another allele is 1000x less likely than the reference.
  std::string pl;
  for (int j = 0; j <= n + 1; ++j)
    for (int i = 0; i <= j; ++i) {
      int v;
      if (j <= n) {
        v = c.pl[static_cast<size_t>(genotype_index(i, j))];
      } else {
        const int base = c.pl[static_cast<size_t>(genotype_index(0, i <= n ? i : 0))];
        v = std::min(base + (i == n + 1 ? 60 : 30), 999);
      }
      pl += (pl.empty() ? "" : ",") + std::to_string(v);
    }
  // QS (bcftools call's allele input, Number=R): the share of the sample's
  // reads carrying each allele, reads of unlisted alleles under <*>; where
  // the site is not a candidate of this sample, the called genotype's
  // allele shares (the counts were not kept).
  std::vector<double> qs(static_cast<size_t>(n) + 2, 0.0);
  if (const Candidate* cand = m.per_sample[sample]) {
    double listed = cand->ref_count;
    qs[0] = cand->ref_count;
    for (size_t k = 0; k < cand->alts.size(); ++k) {
      qs[static_cast<size_t>(m.alt_index[sample][k]) + 1] = cand->alt_counts[k];
      listed += cand->alt_counts[k];
    }
    qs[static_cast<size_t>(n) + 1] = std::max(0.0, cand->total - listed);
  } else {
    qs[static_cast<size_t>(c.allele1)] += 1;
    qs[static_cast<size_t>(c.allele2)] += 1;
  }
  double qs_sum = 0;
  for (double v : qs) qs_sum += v;
  std::string qs_text;
  for (double v : qs) {
    char b[24];
    std::snprintf(b, sizeof b, "%.4g", qs_sum > 0 ? v / qs_sum : 0.0);
    qs_text += (qs_text.empty() ? "QS=" : ",") + std::string(b);
  }
  std::string ad = sample_ad(m, sample);
  if (ad == ".")  // not a candidate in this sample: one '.' per allele
    for (int k = 0; k < n; ++k) ad += ",.";
  char q[32];
  std::snprintf(q, sizeof q, "%.1f", c.qual);
  out += m.site.contig + '\t' + std::to_string(m.site.pos + 1) + "\t.\t" + m.site.ref + '\t' + alts + "<*>\t" + q +
         "\t.\t" + qs_text + "\tGT:GQ:DP:AD:PL\t" + std::to_string(c.allele1) + '/' + std::to_string(c.allele2) + ':' +
         std::to_string(static_cast<int>(c.gq)) + ':' + sample_dp(m, sample) + ':' + ad + ",0:" +
         pl + '\n';
}

}  // namespace

HomRefConfidence hom_ref_confidence(int depth, int ref_reads, int top_other) {
  const int n = std::max(depth, 0), r = std::clamp(ref_reads, 0, n), a = n - r;
  const double le = std::log10(kError), l1e = std::log10(1.0 - kError);
  const double l0 = r * l1e + a * le, l2 = r * le + a * l1e;
  double l1 = -1e300;
  for (double f : kFractions) l1 = std::max(l1, a * std::log10(f) + r * std::log10(1.0 - f));
  const double best = std::max({l0, l1, l2});
  HomRefConfidence h;
  h.pl = {phred(l0, best), phred(l1, best), phred(l2, best)};
  // P(not 0/0) / P(0/0) with the usual heterozygosity prior (0/x: 1e-3,
  // x/x: 5e-4, 0/0 the rest), computed relative to l0.
  const double other = 1e-3 * std::pow(10.0, l1 - l0) + 5e-4 * std::pow(10.0, l2 - l0);
  const double p_not = other / (1.0 + other);
  h.gq = p_not <= 0 ? 99 : static_cast<int>(std::min(99.0, std::floor(-10.0 * std::log10(p_not))));
  if (n == 0) h.gq = 0;
  if (top_other >= 3) h.gq = std::min(h.gq, 19);
  return h;
}

std::vector<std::string> gvcf_header() {
  return {
      "##ALT=<ID=*,Description=\"Any allele not listed at this location (gVCF)\">",
      "##INFO=<ID=QS,Number=R,Type=Float,Description=\"Share of the sample's reads carrying each allele (reads of "
      "unlisted alleles under <*>); what bcftools call reads to choose alleles\">",
      "##INFO=<ID=END,Number=1,Type=Integer,Description=\"Last position of the reference block (1-based)\">",
      "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
      "##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality: -10log10 P(genotype is wrong); in a "
      "reference block the minimum over its bases of the hom-ref confidence from the allele counts\">",
      "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Reads with an allele at the site\">",
      "##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description=\"Minimum read depth over the reference block\">",
      "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting REF and each ALT from the allele counts "
      "('.' where the allele is not a candidate in this sample)\">",
      "##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype likelihoods relative to the best; "
      "in a reference block 0 for 0/0 and the block GQ (at least) for 0/<*> and <*>/<*>\">",
  };
}

std::string gvcf_block(const Region& core, const std::string& ref, const AlleleCounts& counts,
                       const std::vector<MergedSite>& sites, const std::vector<GenotypeCall>& calls, size_t sample,
                       int band) {
  std::string out;
  const int64_t w0 = counts.window.begin;
  Block block;
  auto flush = [&] {
    emit_block(block, core.contig, ref, w0, out);
    block = Block{};
  };
  constexpr int kMemoDepth = 256;
  std::vector<HomRefConfidence> memo(static_cast<size_t>(kMemoDepth) * (kMemoDepth + 1));
  std::vector<bool> memo_set(memo.size(), false);
  size_t next = 0;
  int64_t covered_to = core.begin;  // bases before this are in a written site record
  for (int64_t p = core.begin; p < core.end; ++p) {
    if (next < sites.size() && sites[next].site.pos == p) {
      flush();
      const MergedSite& m = sites[next];
      emit_site(m, calls[next], sample, out);
      covered_to = std::max(covered_to, p + static_cast<int64_t>(m.site.ref.size()));
      ++next;
      continue;
    }
    if (p < covered_to) {  // inside a site's REF (a deletion): no block
      flush();
      continue;
    }
    const uint8_t code = base_code(ref[static_cast<size_t>(p - w0)]);
    const int depth = counts.pileup_depth(p);
    const int ref_reads = code < 4 ? counts.base(p, code) : 0;
    int top_other = counts.at(p, kFwdDel) + counts.at(p, kRevDel);
    top_other = std::max(top_other, counts.at(p, kIndelAllele));
    for (uint8_t b = 0; b < 4; ++b)
      if (b != code) top_other = std::max(top_other, counts.base(p, b));
    // The model depends only on (depth, reference reads, top_other >= 3):
    // memoised for depths under 256, which is nearly every base.
    HomRefConfidence h;
    if (depth < kMemoDepth) {
      const size_t key = (static_cast<size_t>(depth) * (depth + 1) / 2 + static_cast<size_t>(std::min(ref_reads, depth))) * 2 +
                         (top_other >= 3 ? 1 : 0);
      if (!memo_set[key]) {
        memo[key] = hom_ref_confidence(depth, ref_reads, top_other);
        memo_set[key] = true;
      }
      h = memo[key];
    } else {
      h = hom_ref_confidence(depth, ref_reads, top_other);
    }
    // Bands of `band` below GQ 20; one band from 20 up (the confident-hom-ref
    // threshold of joint genotypers): finer bands above it only cut blocks
    // where the depth wanders (GQ follows depth, ~1 per read).
    const int b = h.gq >= 20 ? 1000 : h.gq / std::max(band, 1);
    if (block.begin >= 0 && b != block.band) flush();
    if (block.begin < 0) {
      block.begin = p;
      block.band = b;
      block.gq = h.gq;
      block.min_dp = depth;
      block.pl = h.pl;
    }
    if (h.gq < block.gq) {
      block.gq = h.gq;
      block.pl = h.pl;
    }
    block.min_dp = std::min(block.min_dp, depth);
    block.end = p + 1;
  }
  flush();
  return out;
}

std::string gvcf_skip_covered(const std::string& text, int64_t covered_to,
                              const std::function<char(int64_t)>& ref_base) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t eol = text.find('\n', at);
    eol = eol == std::string::npos ? text.size() : eol + 1;
    const std::string_view line(text.data() + at, eol - at);
    // CHROM POS ID REF ALT QUAL FILTER INFO ...
    size_t tab[8], k = 0;
    for (size_t i = 0; i < line.size() && k < 8; ++i)
      if (line[i] == '\t') tab[k++] = i;
    if (k < 8) throw Error(ErrorKind::Internal, "gVCF record with fewer than 9 columns: " + std::string(line));
    const int64_t begin = std::atoll(std::string(line.substr(tab[0] + 1, tab[1] - tab[0] - 1)).c_str()) - 1;
    if (begin >= covered_to) break;  // the rest is past the deletion
    const std::string_view alt = line.substr(tab[3] + 1, tab[4] - tab[3] - 1);
    const std::string_view info = line.substr(tab[6] + 1, tab[7] - tab[6] - 1);
    if (alt != "<*>" || info.substr(0, 4) != "END=") {  // a site record: kept
      out.append(line);
      at = eol;
      continue;
    }
    const int64_t end = std::atoll(std::string(info.substr(4)).c_str());  // 1-based last = 0-based exclusive end
    if (end > covered_to) {
      out.append(line.substr(0, tab[0] + 1));
      out += std::to_string(covered_to + 1) + '\t';
      out.append(line.substr(tab[1] + 1, tab[2] - tab[1]));  // ID and its tab
      out += ref_base(covered_to);
      out.append(line.substr(tab[3]));
    }
    at = eol;
  }
  out.append(text, at, std::string::npos);
  return out;
}

}  // namespace dvhpc
