#include "dvhpc/vcf_format.hpp"

#include <htslib/kstring.h>
#include <htslib/vcf.h>

#include <algorithm>

#include "dvhpc/error.hpp"

namespace dvhpc {

VcfFormat::VcfFormat(const std::vector<std::string>& header_lines, const std::vector<VcfContig>& contigs,
                     const std::vector<std::string>& samples) {
  hdr_ = bcf_hdr_init("w");
  if (!hdr_) throw Error(ErrorKind::Library, "bcf_hdr_init failed");
  rec_ = bcf_init();
  for (const auto& c : contigs) {
    std::string line = "##contig=<ID=" + c.name + ",length=" + std::to_string(c.length) + ">";
    if (bcf_hdr_append(hdr_, line.c_str()) < 0) throw Error(ErrorKind::Internal, "bad VCF header line: " + line);
  }
  for (const auto& l : header_lines)
    if (bcf_hdr_append(hdr_, l.c_str()) < 0) throw Error(ErrorKind::Internal, "bad VCF header line: " + l);
  for (const auto& s : samples)
    if (bcf_hdr_add_sample(hdr_, s.c_str()) < 0)
      throw Error(ErrorKind::Input, "duplicate or invalid sample name '" + s + "'");
  if (bcf_hdr_sync(hdr_) < 0) throw Error(ErrorKind::Library, "bcf_hdr_sync failed");
}

VcfFormat::~VcfFormat() {
  if (rec_) bcf_destroy(rec_);
  if (hdr_) bcf_hdr_destroy(hdr_);
}

std::string VcfFormat::header_bgzf() const {
  kstring_t text = {0, 0, nullptr};
  if (bcf_hdr_format(hdr_, 0, &text) < 0) {
    free(text.s);
    throw Error(ErrorKind::Library, "bcf_hdr_format failed");
  }
  while (text.l && text.s[text.l - 1] == '\0') --text.l;  // as vcf_hdr_write
  BgzfBlocks out;
  out.add_raw({text.s, text.l});
  free(text.s);
  out.flush();  // the header ends its own block, so record blocks never share one with it
  return out.take();
}

int64_t VcfFormat::add_records(const std::string& text, BgzfBlocks& out) {
  kstring_t line = {0, 0, nullptr}, formatted = {0, 0, nullptr};
  struct Free {
    kstring_t& a;
    kstring_t& b;
    ~Free() {
      free(a.s);
      free(b.s);
    }
  } guard{line, formatted};
  int64_t n = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) {
      line.l = 0;
      kputsn(text.data() + start, end - start, &line);
      // htslib adds unknown contigs to the header with a warning; dvhpc
      // treats them as the bug they are (records must match the reference).
      const int known_contigs = hdr_->n[BCF_DT_CTG];
      formatted.l = 0;
      if (vcf_parse(&line, hdr_, rec_) < 0 || rec_->errcode != 0 || rec_->rid >= known_contigs ||
          rec_->n_sample != bcf_hdr_nsamples(hdr_) || vcf_format(hdr_, rec_, &formatted) < 0)
        throw Error(ErrorKind::Internal,
                    "malformed VCF record: " + text.substr(start, std::min<size_t>(end - start, 200)));
      out.add_record({formatted.s, formatted.l});
      ++n;
    }
    start = end + 1;
  }
  return n;
}

std::string VcfFormat::compress_block(const std::string& text, int64_t* records) {
  BgzfBlocks out;
  const int64_t n = add_records(text, out);
  if (records) *records = n;
  out.flush();
  return out.take();
}

}  // namespace dvhpc
