#include "dvhpc/vcf_writer.hpp"

#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc {

VcfWriter::VcfWriter(std::string path, const std::vector<std::string>& header_lines,
                     const std::vector<VcfContig>& contigs, const std::vector<std::string>& samples)
    : path_(std::move(path)), tmp_(path_ + ".tmp-" + std::to_string(::getpid())) {
  hdr_ = bcf_hdr_init("w");
  if (!hdr_) throw Error(ErrorKind::Library, "bcf_hdr_init failed");
  for (const auto& c : contigs) {
    std::string line = "##contig=<ID=" + c.name + ",length=" + std::to_string(c.length) + ">";
    if (bcf_hdr_append(hdr_, line.c_str()) < 0)
      throw Error(ErrorKind::Internal, "bad VCF header line: " + line);
  }
  for (const auto& l : header_lines)
    if (bcf_hdr_append(hdr_, l.c_str()) < 0)
      throw Error(ErrorKind::Internal, "bad VCF header line: " + l);
  for (const auto& s : samples)
    if (bcf_hdr_add_sample(hdr_, s.c_str()) < 0)
      throw Error(ErrorKind::Input, "duplicate or invalid sample name '" + s + "'");
  if (bcf_hdr_sync(hdr_) < 0) throw Error(ErrorKind::Library, "bcf_hdr_sync failed");

  fp_ = hts_open(tmp_.c_str(), "wz");
  if (!fp_)
    throw Error(ErrorKind::Output, "cannot create '" + tmp_ + "': " + std::strerror(errno) +
                                       " (is the output directory writable?)");
  if (bcf_hdr_write(fp_, hdr_) < 0)
    throw Error(ErrorKind::Output, "cannot write the VCF header to '" + tmp_ + "'");
  // The header ends its own BGZF block, so record blocks never share one with it.
  if (bgzf_flush(fp_->fp.bgzf) < 0) throw Error(ErrorKind::Output, "write failed on '" + tmp_ + "'");
  rec_ = bcf_init();
}

VcfWriter::~VcfWriter() {
  if (rec_) bcf_destroy(rec_);
  if (fp_) hts_close(fp_);
  if (hdr_) bcf_hdr_destroy(hdr_);
  if (!finished_) {
    std::remove(tmp_.c_str());
    std::remove((tmp_ + ".tbi").c_str());
  }
}

void VcfWriter::write_block(const std::string& text) {
  kstring_t line = {0, 0, nullptr};
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
      if (vcf_parse(&line, hdr_, rec_) < 0 || rec_->errcode != 0 || rec_->rid >= known_contigs) {
        free(line.s);
        throw Error(ErrorKind::Internal,
                    "malformed VCF record: " + text.substr(start, std::min<size_t>(end - start, 200)));
      }
      if (bcf_write(fp_, hdr_, rec_) < 0) {
        free(line.s);
        throw Error(ErrorKind::Output, "write failed on '" + tmp_ + "' (disk full?)");
      }
      ++records_;
    }
    start = end + 1;
  }
  free(line.s);
  if (bgzf_flush(fp_->fp.bgzf) < 0) throw Error(ErrorKind::Output, "write failed on '" + tmp_ + "'");
}

void VcfWriter::finish() {
  if (hts_close(fp_) < 0) {
    fp_ = nullptr;
    throw Error(ErrorKind::Output, "closing '" + tmp_ + "' failed (disk full?)");
  }
  fp_ = nullptr;
  std::string tmp_index = tmp_ + ".tbi";
  if (tbx_index_build2(tmp_.c_str(), tmp_index.c_str(), 0, &tbx_conf_vcf) < 0)
    throw Error(ErrorKind::Output, "building the tabix index of '" + tmp_ + "' failed");
  // Index first, then the data file: the data file's final name appears last.
  if (std::rename(tmp_index.c_str(), (path_ + ".tbi").c_str()) != 0 ||
      std::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw Error(ErrorKind::Output, "cannot rename '" + tmp_ + "' to '" + path_ + "': " + std::strerror(errno));
  finished_ = true;
}

int64_t write_vcf_collective(const Comm& comm, const std::string& path,
                             const std::vector<std::string>& header_lines,
                             const std::vector<VcfContig>& contigs,
                             const std::vector<std::string>& samples,
                             const std::vector<std::pair<int64_t, std::string>>& local_blocks) {
  // Serialise as [index][length][bytes]... per rank and gather to rank 0.
  std::string packed;
  for (const auto& [idx, text] : local_blocks) {
    int64_t hdr[2] = {idx, static_cast<int64_t>(text.size())};
    packed.append(reinterpret_cast<const char*>(hdr), sizeof hdr);
    packed += text;
  }
  std::vector<std::string> all = comm.gather(packed, 0);
  int64_t written = 0;
  std::string error;
  if (comm.is_root()) {
    std::vector<std::pair<int64_t, std::string>> blocks;
    for (const auto& p : all) {
      size_t off = 0;
      while (off < p.size()) {
        int64_t hdr[2];
        std::memcpy(hdr, p.data() + off, sizeof hdr);
        off += sizeof hdr;
        blocks.emplace_back(hdr[0], p.substr(off, static_cast<size_t>(hdr[1])));
        off += static_cast<size_t>(hdr[1]);
      }
    }
    std::sort(blocks.begin(), blocks.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    try {
      VcfWriter w(path, header_lines, contigs, samples);
      for (const auto& b : blocks) w.write_block(b.second);
      w.finish();
      written = w.records();
    } catch (const Error& e) {
      error = e.what();
    }
  }
  // Rank 0's failure must reach every rank, or they would carry on alone.
  std::string err = comm.broadcast(error, 0);
  if (!err.empty()) throw Error::on_all_ranks(ErrorKind::Output, err);
  return written;
}

}  // namespace dvhpc
