#include "gvcf_reader.hpp"

#include <algorithm>
#include <cstdlib>

#include "dvhpc/error.hpp"
#include "dvhpc/vcf_check.hpp"

namespace dvhpc {

GvcfReader::GvcfReader(const std::string& path) : path_(path) {
  fp_ = hts_open(path.c_str(), "r");
  if (!fp_) throw Error(ErrorKind::Input, "cannot open the gVCF '" + path + "'");
  hdr_ = bcf_hdr_read(fp_);
  tbx_ = hdr_ ? tbx_index_load(path.c_str()) : nullptr;
  rec_ = bcf_init();
  if (!hdr_ || !tbx_) {
    const std::string why = !hdr_ ? "has no valid VCF header" : "has no tabix index (.tbi): run `tabix -p vcf " + path + "`";
    close();
    throw Error(ErrorKind::Input, "gVCF '" + path + "' " + why);
  }
  if (bcf_hdr_nsamples(hdr_) != 1) {
    const int n = bcf_hdr_nsamples(hdr_);
    close();
    throw Error(ErrorKind::Input, "gVCF '" + path + "' has " + std::to_string(n) + " samples; joint takes one per file");
  }
  sample_ = hdr_->samples[0];
  hts_close(fp_);  // reopened by each fetch
  fp_ = nullptr;
}

GvcfReader::~GvcfReader() { close(); }

void GvcfReader::close() {
  free(gt_);
  free(gq_);
  free(pl_);
  gt_ = gq_ = pl_ = nullptr;
  if (rec_) bcf_destroy(rec_);
  if (tbx_) tbx_destroy(tbx_);
  if (hdr_) bcf_hdr_destroy(hdr_);
  if (fp_) hts_close(fp_);
  rec_ = nullptr;
  tbx_ = nullptr;
  hdr_ = nullptr;
  fp_ = nullptr;
}

std::vector<std::pair<std::string, int64_t>> GvcfReader::contigs() const {
  std::vector<std::pair<std::string, int64_t>> out;
  for (int i = 0; i < hdr_->n[BCF_DT_CTG]; ++i) {
    if (!hdr_->id[BCF_DT_CTG][i].key) continue;  // a gap left by IDX= numbers in the header
    const bcf_idinfo_t* info = hdr_->id[BCF_DT_CTG][i].val;
    const int64_t len = info ? static_cast<int64_t>(info->info[0]) : 0;
    out.emplace_back(hdr_->id[BCF_DT_CTG][i].key, len);
  }
  return out;
}

void SampleRecords::add(GvcfRecord&& r) {
  if (r.block) {
    blocks.push_back(GvcfBlock{r.pos, r.end, r.block_pl});
  } else {
    longest_ref = std::max(longest_ref, r.end - r.pos);
    sites.push_back(std::move(r));
  }
}

void SampleRecords::shrink() {
  sites.shrink_to_fit();
  blocks.shrink_to_fit();
}

SampleRecords GvcfReader::fetch(const Region& r) {
  SampleRecords out;
  const int tid = tbx_name2id(tbx_, r.contig.c_str());
  if (tid < 0) return out;  // no record on this contig
  hts_itr_t* itr = tbx_itr_queryi(tbx_, tid, r.begin, r.end);
  if (!itr) throw Error(ErrorKind::Input, "cannot query " + r.to_string() + " in '" + path_ + "'");
  fp_ = hts_open(path_.c_str(), "r");
  if (!fp_) {
    hts_itr_destroy(itr);
    throw Error(ErrorKind::Input, "cannot open the gVCF '" + path_ + "' again (removed while joint ran?)");
  }
  kstring_t line = {0, 0, nullptr};
  int rc;
  int64_t in_region = 0;
  while ((rc = tbx_itr_next(fp_, tbx_, itr, &line)) >= 0) {
    ++in_region;
    // htslib parses a line cut short (no REF column) without an error but
    // with no alleles; REF is read below, so such a record is malformed too.
    if (vcf_parse(&line, hdr_, rec_) != 0 || rec_->errcode != 0 || rec_->n_allele < 1) {
      free(line.s);
      hts_itr_destroy(itr);
      hts_close(fp_);
      fp_ = nullptr;
      throw Error(ErrorKind::Input, "malformed record in '" + path_ + "' near " + r.to_string());
    }
    bcf_unpack(rec_, BCF_UN_ALL);
    try {  // FORMAT stored as the header declares: htslib's GT/GQ/PL readers exit(1) otherwise
      check_vcf_record(rec_, "gVCF (in " + r.to_string() + ")", path_, in_region, hdr_);
    } catch (...) {
      free(line.s);
      hts_itr_destroy(itr);
      hts_close(fp_);
      fp_ = nullptr;
      throw;
    }
    GvcfRecord g;
    g.pos = rec_->pos;
    g.end = rec_->pos + rec_->rlen;
    g.ref = rec_->d.allele[0];
    for (int a = 1; a < rec_->n_allele; ++a) {
      const std::string allele = rec_->d.allele[a];
      if (allele == "<*>" || allele == "<NON_REF>")
        g.star = a;
      else
        g.alts.push_back(allele);
    }
    g.block = g.alts.empty() && g.star > 0;
    if (bcf_get_genotypes(hdr_, rec_, &gt_, &ngt_) >= 2) {
      g.a1 = bcf_gt_is_missing(gt_[0]) ? -1 : bcf_gt_allele(gt_[0]);
      g.a2 = (gt_[1] == bcf_int32_vector_end || bcf_gt_is_missing(gt_[1])) ? g.a1 : bcf_gt_allele(gt_[1]);
    }
    if (bcf_get_format_int32(hdr_, rec_, "GQ", &gq_, &ngq_) >= 1 && gq_[0] != bcf_int32_missing) g.gq = gq_[0];
    const int npl = bcf_get_format_int32(hdr_, rec_, "PL", &pl_, &npl_);
    auto pl_at = [&](int i) { return pl_[i] == bcf_int32_missing || pl_[i] == bcf_int32_vector_end ? 0 : pl_[i]; };
    if (g.block) {
      // Without PLs a block says 0/0 with its GQ: 0, GQ, 2 GQ.
      g.block_pl = npl >= 3 ? std::array<int, 3>{pl_at(0), pl_at(1), pl_at(2)} : std::array<int, 3>{0, g.gq, 2 * g.gq};
    } else {
      for (int i = 0; i < npl; ++i) g.pl.push_back(pl_at(i));
    }
    out.add(std::move(g));
  }
  free(line.s);
  hts_itr_destroy(itr);
  hts_close(fp_);
  fp_ = nullptr;
  if (rc < -1) throw Error(ErrorKind::Input, "'" + path_ + "' is truncated or malformed near " + r.to_string());
  out.shrink();  // held for the region with every other sample's: no doubling slack
  return out;
}

}  // namespace dvhpc
