#include "variant_set.hpp"

#include <htslib/vcf.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "dvhpc/error.hpp"
#include "dvhpc/vcf_check.hpp"
#include "dvhpc/reference.hpp"
#include "dvhpc/region.hpp"

namespace dvhpc::eval_detail {

namespace {

struct HtsFileCloser {
  void operator()(htsFile* f) const { hts_close(f); }
};
struct HdrFree {
  void operator()(bcf_hdr_t* h) const { bcf_hdr_destroy(h); }
};
struct RecFree {
  void operator()(bcf1_t* r) const { bcf_destroy(r); }
};
struct IntBuf {  // htslib-owned (realloc'd) buffer for bcf_get_genotypes
  int32_t* p = nullptr;
  int n = 0;
  ~IntBuf() { std::free(p); }
};

bool is_non_variant(const char* alt) {
  const std::string a(alt);
  return a == "*" || a == "<*>" || a == "<NON_REF>" || a == ".";
}

// Plain bases only; anything else (symbolic, breakend, IUPAC) is not
// normalised but compared verbatim as OTHER.
bool is_plain(const char* s) {
  for (; *s; ++s)
    if (!std::strchr("ACGTNacgtn", *s)) return false;
  return true;
}

std::string where(const std::string& label, const std::string& path, const std::string& contig,
                  int64_t pos0) {
  return label + " '" + path + "' at " + contig + ":" + std::to_string(pos0 + 1);
}

}  // namespace

std::string chr_alias(const std::string& contig) {
  if (contig.rfind("chr", 0) == 0) return contig.substr(3);
  return "chr" + contig;
}

IntervalSet::IntervalSet(const std::string& bed_path) : path_(bed_path) {
  for (const Region& r : read_bed(bed_path)) by_contig_[r.contig].emplace_back(r.begin, r.end);
  for (auto& [contig, iv] : by_contig_) {
    std::sort(iv.begin(), iv.end());
    // Merge overlapping and touching intervals so contains() is one search.
    std::vector<std::pair<int64_t, int64_t>> merged;
    for (const auto& x : iv) {
      if (!merged.empty() && x.first <= merged.back().second)
        merged.back().second = std::max(merged.back().second, x.second);
      else
        merged.push_back(x);
    }
    iv = std::move(merged);
  }
}

bool IntervalSet::contains(const std::string& contig, int64_t pos) const {
  auto it = by_contig_.find(contig);
  if (it == by_contig_.end()) return false;
  const auto& iv = it->second;
  // The last interval starting at or before pos is the only candidate.
  auto next = std::upper_bound(iv.begin(), iv.end(), std::make_pair(pos, INT64_MAX));
  if (next == iv.begin()) return false;
  return pos < std::prev(next)->second;
}

std::set<std::string> IntervalSet::contigs() const {
  std::set<std::string> out;
  for (const auto& kv : by_contig_) out.insert(kv.first);
  return out;
}

LoadedVcf load_variants(const std::string& path, const char* label, bool is_calls,
                        AlleleNormalizer& norm, const Reference* ref, const IntervalSet* bed) {
  LoadedVcf out;
  out.path = path;
  std::unique_ptr<htsFile, HtsFileCloser> fp(hts_open(path.c_str(), "r"));
  if (!fp)
    throw Error(ErrorKind::Input, std::string("cannot open ") + label + " '" + path +
                                      "': check the path (VCF, bgzipped VCF or BCF)");
  std::unique_ptr<bcf_hdr_t, HdrFree> hdr(bcf_hdr_read(fp.get()));
  if (!hdr)
    throw Error(ErrorKind::Input, std::string(label) + " '" + path +
                                      "' has no readable VCF header: is it a VCF/BCF file?");
  if (bcf_hdr_nsamples(hdr.get()) < 1)
    throw Error(ErrorKind::Input, std::string(label) + " '" + path +
                                      "' has no sample column; eval needs the GT of one sample");
  // The contig dictionary read directly: bcf_hdr_seqnames() asserts (aborts)
  // when a BCF header's IDX= numbers leave gaps, and the gaps are null keys.
  for (int i = 0; i < hdr->n[BCF_DT_CTG]; ++i)
    if (const char* name = hdr->id[BCF_DT_CTG][i].key) out.contigs.insert(name);
  std::unique_ptr<bcf1_t, RecFree> rec(bcf_init());
  IntBuf gt;
  std::string last_contig;
  int ret = 0;
  while ((ret = bcf_read(fp.get(), hdr.get(), rec.get())) == 0) {
    bcf1_t* r = rec.get();
    bcf_unpack(r, BCF_UN_ALL);
    ++out.stats.records;
    check_vcf_record(r, label, path, out.stats.records, hdr.get());
    const std::string contig = bcf_seqname(hdr.get(), r);
    if (contig != last_contig) {
      out.contigs.insert(contig);
      out.record_contigs.insert(contig);
      if (ref && !ref->has_contig(contig)) {
        const std::string alias = chr_alias(contig);
        throw Error(ErrorKind::Input,
                    std::string(label) + " '" + path + "' uses contig '" + contig +
                        "', which the reference '" + ref->path() + "' does not have" +
                        (ref->has_contig(alias) ? " (it has '" + alias + "': the files use different "
                                                  "contig naming; rename one, e.g. bcftools annotate "
                                                  "--rename-chrs)"
                                                : "; use the reference the VCF was made against"));
      }
      last_contig = contig;
    }
    // The first sample's GT: which ALTs it carries, and how many copies.
    const int ngt = bcf_get_genotypes(hdr.get(), r, &gt.p, &gt.n);
    const int nsmpl = bcf_hdr_nsamples(hdr.get());
    std::vector<int> alleles;  // called alleles, -1 = missing
    if (ngt > 0) {
      const int ploidy = ngt / nsmpl;
      for (int i = 0; i < ploidy; ++i) {
        const int32_t v = gt.p[i];
        if (v == bcf_int32_vector_end) break;
        alleles.push_back(bcf_gt_is_missing(v) ? -1 : bcf_gt_allele(v));
      }
    }
    std::vector<int> carried;
    for (int a : alleles)
      if (a > 0 && std::find(carried.begin(), carried.end(), a) == carried.end()) carried.push_back(a);
    if (carried.empty()) {
      ++out.stats.no_alt;
      continue;
    }
    std::sort(carried.begin(), carried.end());
    const bool pass = r->d.n_flt == 0 || bcf_has_filter(hdr.get(), r, const_cast<char*>("PASS")) == 1;
    if (is_calls && !pass) ++out.stats.filtered;
    for (int a : carried) {
      if (a >= static_cast<int>(r->n_allele))
        throw Error(ErrorKind::Input, where(label, path, contig, r->pos) + ": GT names allele " +
                                          std::to_string(a) + " but the record has only " +
                                          std::to_string(r->n_allele - 1) + " ALT(s)");
      const char* alt = r->d.allele[a];
      if (is_non_variant(alt)) {
        ++out.stats.non_variant;
        continue;
      }
      const bool hom = std::all_of(alleles.begin(), alleles.end(), [a](int x) { return x == a; });
      std::vector<NormAllele> norm_alleles;
      VariantType symbolic_type = VariantType::OTHER;
      if (is_plain(alt) && is_plain(r->d.allele[0])) {
        norm_alleles = norm.normalize(contig, r->pos, r->d.allele[0], alt);
        symbolic_type = VariantType::SNP;  // refined per allele below
      } else {
        norm_alleles.push_back({r->pos, r->d.allele[0], alt});
      }
      for (auto& na : norm_alleles) {
        if (bed && !bed->contains(contig, na.pos)) {
          ++out.stats.outside_bed;
          continue;
        }
        VariantInfo info;
        info.hom = hom;
        if (symbolic_type == VariantType::OTHER)
          info.type = VariantType::OTHER;
        else
          info.type = na.ref.size() == 1 && na.alt.size() == 1 ? VariantType::SNP : VariantType::INDEL;
        VariantKey key{contig, na.pos, std::move(na.ref), std::move(na.alt)};
        if (is_calls && pass) out.pass.emplace(key, info);
        if (!out.all.emplace(std::move(key), info).second) ++out.stats.duplicates;
      }
    }
  }
  if (ret < -1)
    throw Error(ErrorKind::Input, std::string("cannot parse ") + label + " '" + path + "' after " +
                                      std::to_string(out.stats.records) +
                                      " records: the file is truncated or malformed");
  out.stats.ref_mismatch = norm.ref_mismatches();
  out.stats.left_shifted = norm.left_shifted();
  return out;
}

}  // namespace dvhpc::eval_detail
