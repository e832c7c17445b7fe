// Variants for `simulate` taken from a VCF (simulate.variants_vcf).
#include <htslib/vcf.h>

#include <algorithm>
#include <cstring>

#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/sim/variants.hpp"
#include "dvhpc/vcf_check.hpp"

namespace dvhpc::sim {
namespace {

bool acgt_only(const char* s) {
  for (; *s; ++s)
    if (*s != 'A' && *s != 'C' && *s != 'G' && *s != 'T') return false;
  return true;
}

}  // namespace

VcfVariantSource::VcfVariantSource(const std::string& path, double het_fraction, uint64_t seed)
    : path_(path) {
  htsFile* fp = hts_open(path.c_str(), "r");
  if (!fp) throw Error(ErrorKind::Input, "config key 'simulate.variants_vcf': cannot open '" + path + "'");
  bcf_hdr_t* hdr = bcf_hdr_read(fp);
  if (!hdr) {
    hts_close(fp);
    throw Error(ErrorKind::Input, "config key 'simulate.variants_vcf': '" + path + "' is not a VCF/BCF file");
  }
  const int nsmpl = bcf_hdr_nsamples(hdr);
  // Index = rid. A header whose IDX= numbers leave a gap has a null name
  // there (no record can use it): kept as "" so the indices stay rids.
  for (int i = 0; i < hdr->n[BCF_DT_CTG]; ++i) {
    const char* name = bcf_hdr_id2name(hdr, i);
    contigs_.emplace_back(name ? name : "");
  }
  bcf1_t* rec = bcf_init();
  int32_t* gt = nullptr;
  int ngt_arr = 0;
  int rc;
  int64_t index = 0;
  while ((rc = bcf_read(fp, hdr, rec)) >= 0) {
    check_vcf_record(rec, "simulate.variants_vcf", path, ++index, hdr);
    bcf_unpack(rec, BCF_UN_STR | BCF_UN_FMT);
    bool ok = rec->n_allele >= 2;
    for (int a = 0; ok && a < rec->n_allele; ++a) ok = acgt_only(rec->d.allele[a]);
    SimVariant v;
    v.pos = rec->pos;
    if (ok) {
      v.ref = rec->d.allele[0];
      for (int a = 1; a < rec->n_allele; ++a) v.alts.emplace_back(rec->d.allele[a]);
      if (nsmpl > 0) {
        int n = bcf_get_genotypes(hdr, rec, &gt, &ngt_arr);
        int ploidy = n / nsmpl;
        if (n <= 0 || ploidy < 1 || bcf_gt_is_missing(gt[0])) {
          ok = false;
        } else {
          int a0 = bcf_gt_allele(gt[0]);
          int a1 = ploidy >= 2 && gt[1] != bcf_int32_vector_end && !bcf_gt_is_missing(gt[1]) ? bcf_gt_allele(gt[1]) : a0;
          ok = a0 >= 0 && a1 >= 0 && a0 < rec->n_allele && a1 < rec->n_allele && (a0 != 0 || a1 != 0);
          v.gt = {a0, a1};
        }
      } else {
        // No sample: a genotype drawn per record, keyed by its position.
        SimRng rng(key(seed, {0x766366ULL, static_cast<uint64_t>(rec->rid), static_cast<uint64_t>(rec->pos)}));
        if (rng.chance(het_fraction)) {
          int h = static_cast<int>(rng.below(2));
          v.gt = {h == 0 ? 1 : 0, h};
        } else {
          v.gt = {1, 1};
        }
      }
    }
    if (ok)
      records_.emplace_back(rec->rid, std::move(v));
    else
      ++dropped_;
  }
  free(gt);
  bcf_destroy(rec);
  bcf_hdr_destroy(hdr);
  hts_close(fp);
  if (rc < -1) throw Error(ErrorKind::Input, "config key 'simulate.variants_vcf': '" + path + "' is truncated or corrupt");
  std::stable_sort(records_.begin(), records_.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.pos < b.second.pos;
  });
}

std::vector<SimVariant> VcfVariantSource::in_span(const std::string& contig, int64_t begin, int64_t end,
                                                  const std::string& seq, int64_t seq_begin) const {
  std::vector<SimVariant> out;
  auto it = std::find(contigs_.begin(), contigs_.end(), contig);
  if (it == contigs_.end()) return out;
  const int rid = static_cast<int>(it - contigs_.begin());
  auto lo = std::lower_bound(records_.begin(), records_.end(), std::make_pair(rid, begin),
                             [](const auto& r, const std::pair<int, int64_t>& k) {
                               return r.first != k.first ? r.first < k.first : r.second.pos < k.second;
                             });
  int64_t prev_end = begin;
  for (; lo != records_.end() && lo->first == rid && lo->second.pos < end; ++lo) {
    const SimVariant& v = lo->second;
    // A variant crossing the span end would collide with the next span's.
    if (v.pos < prev_end || v.ref_end() >= end) continue;
    int64_t off = v.pos - seq_begin;
    if (off < 0 || off + static_cast<int64_t>(v.ref.size()) > static_cast<int64_t>(seq.size()) ||
        seq.compare(static_cast<size_t>(off), v.ref.size(), v.ref) != 0)
      throw Error(ErrorKind::Input, "config key 'simulate.variants_vcf': REF of the record at " + contig + ":" +
                                        std::to_string(v.pos + 1) + " in '" + path_ +
                                        "' does not match the reference (is the VCF for another reference?)");
    prev_end = v.ref_end();
    out.push_back(v);
  }
  return out;
}

}  // namespace dvhpc::sim
