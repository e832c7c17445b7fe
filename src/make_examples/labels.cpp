#include "dvhpc/labels.hpp"

#include <htslib/hts.h>

#include "dvhpc/vcf_check.hpp"
#include <htslib/vcf.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"

namespace dvhpc {

void left_align(const Reference& ref, const std::string& contig, int64_t& pos, std::string& r,
                std::string& a) {
  normalize_allele(pos, r, a);
  const bool indel = r.size() != a.size() && (r.size() == 1 || a.size() == 1) && r[0] == a[0];
  if (!indel) return;
  // vt's algorithm: while both end in the same base, drop it; when one side
  // runs empty, prepend the reference base before pos. Fetch in blocks.
  std::string left;  // reference bases before pos, fetched lazily
  int64_t left_begin = pos;
  for (;;) {
    if (!r.empty() && !a.empty() && r.back() == a.back()) {
      r.pop_back();
      a.pop_back();
    } else if (r.empty() || a.empty()) {
      if (pos == 0) break;
      if (left_begin == pos) {
        const int64_t from = std::max<int64_t>(0, pos - 256);
        const std::string bases = ref.fetch(contig, from, pos);
        // fetch() clips to the contig: a truth record past its end has no
        // reference to move along (and no candidate will ask for it).
        if (static_cast<int64_t>(bases.size()) != pos - from) break;
        left = bases + left;
        left_begin = from;
      }
      const char b = left[static_cast<size_t>(pos - 1 - left_begin)];
      r.insert(r.begin(), b);
      a.insert(a.begin(), b);
      --pos;
    } else {
      break;
    }
  }
  normalize_allele(pos, r, a);
}

TruthSet::TruthSet(const std::string& vcf, const std::string& bed, const Reference& ref) : ref_(ref) {
  std::ifstream in(bed);
  if (!in) throw Error(ErrorKind::Input, "cannot read truth BED '" + bed + "' (config key truth.bed)");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("track", 0) == 0 || line.rfind("browser", 0) == 0) continue;
    std::istringstream ss(line);
    std::string c;
    int64_t b = 0, e = 0;
    if (!(ss >> c >> b >> e))
      throw Error(ErrorKind::Input, "truth BED '" + bed + "': bad line '" + line + "' (want: contig begin end)");
    bed_[c].emplace_back(b, e);
  }
  for (auto& [c, iv] : bed_) {
    std::sort(iv.begin(), iv.end());
    std::vector<std::pair<int64_t, int64_t>> merged;
    for (const auto& x : iv) {
      if (!merged.empty() && x.first <= merged.back().second) merged.back().second = std::max(merged.back().second, x.second);
      else merged.push_back(x);
    }
    iv = std::move(merged);
  }

  // Owned by guards: a malformed record throws from inside the loop.
  //
  // A plain sequential reader, not htslib's synced reader: that one parses
  // the next line ahead of the one it returns, and a line whose undefined
  // FILTER/INFO htslib fails to add to the header (e.g. a clashing IDX=)
  // leaves the header's tag table pointing at freed memory before the
  // current record is checked (a use-after-free found by the vcf fuzz
  // target). Sequentially, that line's own record carries the error and is
  // refused before the header is used again.
  struct Reader {
    htsFile* fp = nullptr;
    bcf_hdr_t* hdr = nullptr;
    bcf1_t* rec = bcf_init();
    int32_t* gt = nullptr;
    ~Reader() {
      free(gt);
      bcf_destroy(rec);
      if (hdr) bcf_hdr_destroy(hdr);
      if (fp) hts_close(fp);
    }
  } reader;
  reader.fp = hts_open(vcf.c_str(), "r");
  if (reader.fp) reader.hdr = bcf_hdr_read(reader.fp);
  if (!reader.fp || !reader.hdr)
    throw Error(ErrorKind::Input, "cannot read truth VCF '" + vcf + "': " +
                                      (reader.fp ? "not a VCF/BCF (no header)" : "cannot open it") +
                                      " (config key truth.vcf)");
  bcf_hdr_t* hdr = reader.hdr;
  bcf1_t* rec = reader.rec;
  int32_t*& gt = reader.gt;
  int ngt = 0;
  int64_t records = 0, skipped = 0;
  int rc = 0;
  while ((rc = bcf_read(reader.fp, hdr, rec)) == 0) {
    check_vcf_record(rec, "truth VCF", vcf, records + skipped + 1, hdr);
    const std::string contig = bcf_seqname(hdr, rec);
    if (!ref.has_contig(contig)) { ++skipped; continue; }
    bcf_unpack(rec, BCF_UN_STR);
    ++records;
    const int n = bcf_get_genotypes(hdr, rec, &gt, &ngt);
    const int ploidy = bcf_hdr_nsamples(hdr) > 0 && n > 0 ? n / bcf_hdr_nsamples(hdr) : 0;
    for (int a = 1; a < rec->n_allele; ++a) {
      int dosage = 0;
      for (int k = 0; k < ploidy; ++k)
        if (!bcf_gt_is_missing(gt[k]) && gt[k] != bcf_int32_vector_end && bcf_gt_allele(gt[k]) == a) ++dosage;
      if (dosage == 0) continue;
      const std::string alt = rec->d.allele[a];
      if (alt.empty() || alt[0] == '<' || alt == "*") continue;
      add(contig, rec->pos, rec->d.allele[0], alt, std::min(dosage, 2));
    }
  }
  if (rc < -1)
    throw Error(ErrorKind::Input, "truth VCF '" + vcf + "': reading failed after record " +
                                      std::to_string(records + skipped) + " (truncated or damaged; check it with bcftools view)");
  log::info("truth {}: {} records, {} alleles after splitting ({} records on contigs not in the reference)", vcf,
            records, alleles_.size(), skipped);
}

void TruthSet::add(const std::string& contig, int64_t pos, std::string r, std::string a, int dosage) {
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto& c : a) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  normalize_allele(pos, r, a);
  if (r.size() == a.size() && r.size() > 1) {  // MNP: the candidates see its SNPs
    for (size_t i = 0; i < r.size(); ++i)
      if (r[i] != a[i]) add(contig, pos + static_cast<int64_t>(i), r.substr(i, 1), a.substr(i, 1), dosage);
    return;
  }
  left_align(ref_, contig, pos, r, a);
  int& d = alleles_[Key{contig, pos, r, a}];
  d = std::min(2, d + dosage);
}

bool TruthSet::confident(const std::string& contig, int64_t pos, int64_t length) const {
  auto it = bed_.find(contig);
  if (it == bed_.end()) return false;
  const auto& iv = it->second;
  auto j = std::upper_bound(iv.begin(), iv.end(), std::make_pair(pos, INT64_MAX));
  if (j == iv.begin()) return false;
  --j;
  return j->first <= pos && pos + length <= j->second;
}

int TruthSet::dosage(const Candidate& site, size_t alt) const {
  int64_t pos = site.pos;
  std::string r = site.ref, a = site.alts.at(alt);
  left_align(ref_, site.contig, pos, r, a);
  auto it = alleles_.find(Key{site.contig, pos, r, a});
  return it == alleles_.end() ? 0 : it->second;
}

int8_t TruthSet::label(const Candidate& site, const ExampleQuery& q) const {
  if (!confident(site.contig, site.pos, static_cast<int64_t>(site.ref.size()))) return -1;
  int d = dosage(site, static_cast<size_t>(q.alt[0]));
  if (q.n_alts == 2) d += dosage(site, static_cast<size_t>(q.alt[1]));
  return static_cast<int8_t>(std::min(d, 2));
}

}  // namespace dvhpc
