#include "dvhpc/reads.hpp"

#include <htslib/faidx.h>
#include <htslib/hts.h>
#include <htslib/sam.h>

#include <cctype>
#include <memory>

#include <set>

#include "dvhpc/error.hpp"

namespace dvhpc {

namespace {

uint64_t fnv1a(const char* s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; ++s) h = (h ^ static_cast<unsigned char>(*s)) * 1099511628211ull;
  return h;
}

std::string file_stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const auto dot = base.find('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

// Why a CRAM slice of contig `tid` failed to decode, when the reason is the
// usual one: the @SQ M5 checksum of the contig differs from the MD5 of the
// reference's sequence (SAM spec: upper case, no line breaks), i.e. the file
// was encoded against another reference. "" when they agree or cannot be
// compared (no M5 tag, contig missing from the reference).
std::string cram_reference_mismatch(sam_hdr_t* hdr, int tid, const std::string& reference) {
  kstring_t m5 = KS_INITIALIZE;
  const char* name = sam_hdr_tid2name(hdr, tid);
  const bool has_m5 = sam_hdr_find_tag_id(hdr, "SQ", "SN", name, "M5", &m5) == 0;
  const std::string want = has_m5 ? m5.s : "";
  ks_free(&m5);
  if (!has_m5) return "";
  std::unique_ptr<faidx_t, void (*)(faidx_t*)> fai(fai_load(reference.c_str()), fai_destroy);
  if (!fai || !faidx_has_seq(fai.get(), name)) return "";
  hts_pos_t len = 0;
  std::unique_ptr<char, void (*)(void*)> seq(fai_fetch64(fai.get(), name, &len), free);
  if (!seq || len < 0) return "";
  for (hts_pos_t i = 0; i < len; ++i) seq.get()[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(seq.get()[i])));
  hts_md5_context* md5 = hts_md5_init();
  if (!md5) return "";
  unsigned char digest[16];
  char hex[33];
  hts_md5_update(md5, seq.get(), static_cast<unsigned long>(len));
  hts_md5_final(digest, md5);
  hts_md5_destroy(md5);
  hts_md5_hex(hex, digest);
  if (want == hex) return "";
  return "it was encoded against another reference: contig '" + std::string(name) + "' has M5 " + want +
         " in its header, but '" + reference + "' gives " + hex + " (set `reference:` to the FASTA it was made with)";
}

}  // namespace

ReadFilterStats& ReadFilterStats::operator+=(const ReadFilterStats& o) {
  seen += o.seen; unmapped += o.unmapped; secondary += o.secondary;
  supplementary += o.supplementary; qc_fail += o.qc_fail; duplicate += o.duplicate;
  low_mapq += o.low_mapq; kept += o.kept;
  return *this;
}

ReadLoader::ReadLoader(const std::string& path, const ReadFilterConfig& filters,
                       const std::string& reference_path)
    : path_(path), reference_path_(reference_path), filters_(filters) {
  fp_ = sam_open(path.c_str(), "r");
  if (!fp_) throw Error(ErrorKind::Input, "cannot open reads '" + path + "': missing or not readable");
  is_cram_ = fp_->format.format == cram;
  if (fp_->format.category != sequence_data || (fp_->format.format != bam && !is_cram_ &&
                                                fp_->format.format != sam)) {
    sam_close(fp_);
    fp_ = nullptr;
    throw Error(ErrorKind::Input, "'" + path + "' is not a BAM, CRAM or SAM file");
  }
  if (is_cram_) {
    if (reference_path.empty()) {
      sam_close(fp_);
      fp_ = nullptr;
      throw Error(ErrorKind::Input, "'" + path + "' is CRAM and needs the reference to decode; set `reference:`");
    }
    DVHPC_CHECK_HTS(hts_set_fai_filename(fp_, reference_path.c_str()));
  }
  if (filters_.decompress_threads > 1) DVHPC_CHECK_HTS(hts_set_threads(fp_, filters_.decompress_threads));
  hdr_ = sam_hdr_read(fp_);
  if (!hdr_) {
    sam_close(fp_);
    fp_ = nullptr;
    throw Error(ErrorKind::Input, "cannot read the header of '" + path + "': truncated or not SAM/BAM/CRAM");
  }
  for (int i = 0; i < sam_hdr_nref(hdr_); ++i)
    contigs_.push_back({sam_hdr_tid2name(hdr_, i), static_cast<int64_t>(sam_hdr_tid2len(hdr_, i))});
  idx_ = sam_index_load(fp_, path.c_str());  // may be null: checked when a region is asked for
}

ReadLoader::~ReadLoader() {
  if (idx_) hts_idx_destroy(idx_);
  if (hdr_) sam_hdr_destroy(hdr_);
  if (fp_) sam_close(fp_);
}

std::string ReadLoader::sample_name(const std::string& configured) const {
  if (!configured.empty()) return configured;
  std::set<std::string> samples;
  const int n = sam_hdr_count_lines(hdr_, "RG");
  kstring_t ks = KS_INITIALIZE;
  for (int i = 0; i < n; ++i)
    if (sam_hdr_find_tag_pos(hdr_, "RG", i, "SM", &ks) == 0) samples.insert(ks.s);
  ks_free(&ks);
  if (samples.size() > 1)
    throw Error(ErrorKind::Input, "the @RG lines of '" + path_ + "' name " + std::to_string(samples.size()) +
                                      " samples ('" + *samples.begin() + "', '" + *std::next(samples.begin()) +
                                      "', ...); dvhpc calls one sample per file: set `sample:` in the config");
  if (samples.size() == 1) return *samples.begin();
  return file_stem(path_);
}

void ReadLoader::load(const Region& region, const ContigMap& contigs, ReadBatch& batch) {
  batch.region = region;
  const int tid = contigs.reads_tid(region.contig);
  if (tid < 0) return;
  if (!idx_)
    throw Error(ErrorKind::Input, "reads '" + path_ + "' have no index (.bai/.csi/.crai); make one with "
                                      "`samtools index " + path_ + "`");
  const int64_t end = std::min<int64_t>(region.end, contigs_[static_cast<size_t>(tid)].length);
  hts_itr_t* itr = sam_itr_queryi(idx_, tid, region.begin, end);
  if (!itr) throw Error(ErrorKind::Input, "cannot query " + region.to_string() + " in '" + path_ + "'");
  bam1_t* b = bam_init1();
  int rc = 0;
  int64_t previous = -1;
  while ((rc = sam_itr_next(fp_, itr, b)) >= 0) {
    ++stats_.seen;
    // Region queries and every kernel after them assume coordinate order; an
    // index borrowed from another file or a wrongly labelled sort gets here.
    if (b->core.pos < previous) {
      const std::string read = bam_get_qname(b);
      const int64_t pos = b->core.pos;
      bam_destroy1(b);
      hts_itr_destroy(itr);
      throw Error(ErrorKind::Input, "'" + path_ + "' is not sorted by coordinate: read '" + read + "' at " +
                                        region.contig + ":" + std::to_string(pos + 1) + " follows one at " +
                                        std::to_string(previous + 1) + "; sort and index it: samtools sort -o sorted.bam " +
                                        path_ + " && samtools index sorted.bam");
    }
    previous = b->core.pos;
    const uint16_t flag = b->core.flag;
    // A read counts once, for the first reason that drops it.
    if ((flag & BAM_FUNMAP) || b->core.n_cigar == 0) { ++stats_.unmapped; continue; }
    if (filters_.drop_secondary && (flag & BAM_FSECONDARY)) { ++stats_.secondary; continue; }
    if (filters_.drop_supplementary && (flag & BAM_FSUPPLEMENTARY)) { ++stats_.supplementary; continue; }
    if (filters_.drop_qc_fail && (flag & BAM_FQCFAIL)) { ++stats_.qc_fail; continue; }
    if (filters_.drop_duplicates && (flag & BAM_FDUP)) { ++stats_.duplicate; continue; }
    if (b->core.qual < filters_.min_mapq) { ++stats_.low_mapq; continue; }
    const int64_t rend = bam_endpos(b);
    if (rend <= region.begin || b->core.pos >= end) continue;  // index bins are coarse
    const int32_t lq = b->core.l_qseq;
    if (lq <= 0) { ++stats_.unmapped; continue; }  // no SEQ ('*'): nothing to count
    ++stats_.kept;
    batch.pos.push_back(b->core.pos);
    batch.end.push_back(rend);
    const uint32_t* cig = bam_get_cigar(b);
    batch.cigar.insert(batch.cigar.end(), cig, cig + b->core.n_cigar);
    batch.cigar_offset.push_back(static_cast<uint32_t>(batch.cigar.size()));
    const uint8_t* seq = bam_get_seq(b);
    const uint8_t* qual = bam_get_qual(b);
    // 4-bit BAM codes (=ACMGRSVTWYHKDBN) -> 0..4.
    static constexpr uint8_t kNt16[16] = {4, 0, 1, 4, 2, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4};
    for (int32_t i = 0; i < lq; ++i) batch.bases.push_back(kNt16[bam_seqi(seq, i)]);
    if (qual[0] == 0xff) batch.quals.insert(batch.quals.end(), static_cast<size_t>(lq), uint8_t{30});
    else batch.quals.insert(batch.quals.end(), qual, qual + lq);
    batch.seq_offset.push_back(batch.bases.size());
    batch.mapq.push_back(b->core.qual);
    batch.reverse.push_back(bam_is_rev(b) ? 1 : 0);
    batch.insert_size.push_back(static_cast<int32_t>(b->core.isize));
    batch.name_hash.push_back(fnv1a(bam_get_qname(b)));
  }
  bam_destroy1(b);
  hts_itr_destroy(itr);
  if (rc < -1) {
    const std::string why = is_cram_ ? cram_reference_mismatch(hdr_, tid, reference_path_) : "";
    throw Error(ErrorKind::Input, "error decoding '" + path_ + "' in " + region.to_string() + ": " +
                                      (why.empty() ? "the file is truncated or corrupt, a record is malformed (htslib's "
                                                     "message above names it), or its index belongs to another file (rc " +
                                                         std::to_string(rc) + ")"
                                                   : why));
  }
}

ReadBatch ReadLoader::load(const Region& region, const ContigMap& contigs) {
  ReadBatch batch;
  batch.reserve(1024, 150);
  load(region, contigs, batch);
  return batch;
}

int64_t ReadLoader::indexed_mapped_reads(int tid) const {
  if (!idx_ || tid < 0) return 0;
  uint64_t mapped = 0, unmapped = 0;
  if (hts_idx_get_stat(idx_, tid, &mapped, &unmapped) < 0) return 0;
  return static_cast<int64_t>(mapped);
}

int64_t ReadLoader::indexed_bytes(int tid, int64_t begin, int64_t end) const {
  if (!idx_ || tid < 0 || is_cram_) return -1;
  hts_itr_t* itr = sam_itr_queryi(idx_, tid, begin, end);
  if (!itr) return -1;
  int64_t bytes = 0;
  for (int i = 0; i < itr->n_off; ++i) {
    // Virtual offsets: compressed block offset << 16 | offset inside the
    // uncompressed block. Within one block, assume ~3x compression.
    const int64_t cu = static_cast<int64_t>(itr->off[i].u >> 16), cv = static_cast<int64_t>(itr->off[i].v >> 16);
    if (cv > cu) bytes += cv - cu;
    else bytes += (static_cast<int64_t>(itr->off[i].v & 0xffff) - static_cast<int64_t>(itr->off[i].u & 0xffff)) / 3;
  }
  hts_itr_destroy(itr);
  return bytes;
}

}  // namespace dvhpc
