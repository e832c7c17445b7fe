#include "dvhpc/sim/bam_writer.hpp"

#include <htslib/bgzf.h>
#include <htslib/sam.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "dvhpc/error.hpp"

namespace dvhpc::sim {
namespace {

// The 28-byte empty BGZF block that ends every BGZF file (SAM spec 4.1.2).
constexpr unsigned char kBgzfEof[28] = {0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43,
                                        0x02, 0, 0x1b, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0};

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(ErrorKind::Output, what + " '" + path + "': " + std::strerror(errno) + " (disk full? directory writable?)");
}

// Appends `src` to `out`, without its trailing EOF block.
void append_without_eof(std::FILE* out, const std::string& src, const std::string& out_path) {
  std::FILE* in = std::fopen(src.c_str(), "rb");
  if (!in) fail("cannot open part", src);
  std::fseek(in, 0, SEEK_END);
  long size = std::ftell(in);
  std::fseek(in, 0, SEEK_SET);
  long keep = size;
  if (size >= 28) {
    unsigned char tail[28];
    std::fseek(in, size - 28, SEEK_SET);
    if (std::fread(tail, 1, 28, in) == 28 && std::memcmp(tail, kBgzfEof, 28) == 0) keep = size - 28;
    std::fseek(in, 0, SEEK_SET);
  }
  std::vector<char> buf(1 << 22);
  while (keep > 0) {
    size_t n = std::fread(buf.data(), 1, static_cast<size_t>(std::min<long>(keep, static_cast<long>(buf.size()))), in);
    if (n == 0) {
      std::fclose(in);
      fail("cannot read part", src);
    }
    if (std::fwrite(buf.data(), 1, n, out) != n) {
      std::fclose(in);
      fail("cannot write", out_path);
    }
    keep -= static_cast<long>(n);
  }
  std::fclose(in);
}

}  // namespace

std::string bam_header_text(const std::vector<BamContig>& contigs, const std::string& sample,
                            const std::string& command_line, const std::string& platform) {
  std::string h = "@HD\tVN:1.6\tSO:coordinate\n";
  for (const auto& c : contigs) h += "@SQ\tSN:" + c.name + "\tLN:" + std::to_string(c.length) + "\n";
  h += "@RG\tID:" + sample + "\tSM:" + sample + "\tPL:" + platform + "\tLB:" + sample + "-sim\n";
  h += "@PG\tID:dvhpc\tPN:dvhpc\tCL:" + command_line + "\n";
  return h;
}

void encode_read(const Fragment& f, int which, int32_t tid, const std::string& qname,
                 const std::string& read_group, bam1_t* b) {
  const SimRead& r = f.reads[static_cast<size_t>(which)];
  const SimRead& m = f.reads[static_cast<size_t>(1 - which)];
  uint16_t flag = BAM_FPAIRED | BAM_FPROPER_PAIR | (which == 1 ? BAM_FREVERSE : BAM_FMREVERSE);
  flag |= ((which == 0) == f.left_is_read1) ? BAM_FREAD1 : BAM_FREAD2;
  const int64_t left = std::min(r.pos, m.pos), right = std::max(r.end, m.end);
  // The leftmost read gets +TLEN; on a tie, the forward read.
  const bool positive = r.pos < m.pos || (r.pos == m.pos && which == 0);
  const int64_t tlen = positive ? right - left : -(right - left);
  const size_t aux_len = 3 + read_group.size() + 1;
  if (bam_set1(b, qname.size(), qname.c_str(), flag, tid, r.pos, 60, r.cigar.size(), r.cigar.data(), tid, m.pos,
               tlen, r.seq.size(), r.seq.c_str(), r.qual.c_str(), aux_len) < 0)
    throw Error(ErrorKind::Internal, "bam_set1 failed for read " + qname);
  if (bam_aux_append(b, "RG", 'Z', static_cast<int>(read_group.size() + 1),
                     reinterpret_cast<const uint8_t*>(read_group.c_str())) < 0)
    throw Error(ErrorKind::Internal, "bam_aux_append failed for read " + qname);
}

void encode_single_read(const SimRead& r, bool reverse, int32_t tid, const std::string& qname,
                        const std::string& read_group, bam1_t* b) {
  const uint16_t flag = reverse ? BAM_FREVERSE : 0;
  const size_t aux_len = 3 + read_group.size() + 1;
  if (bam_set1(b, qname.size(), qname.c_str(), flag, tid, r.pos, 60, r.cigar.size(), r.cigar.data(), -1, -1, 0,
               r.seq.size(), r.seq.c_str(), r.qual.c_str(), aux_len) < 0)
    throw Error(ErrorKind::Internal, "bam_set1 failed for read " + qname);
  if (bam_aux_append(b, "RG", 'Z', static_cast<int>(read_group.size() + 1),
                     reinterpret_cast<const uint8_t*>(read_group.c_str())) < 0)
    throw Error(ErrorKind::Internal, "bam_aux_append failed for read " + qname);
}

BamPartWriter::BamPartWriter(const std::string& path, int threads, int level, const std::string& header_text)
    : path_(path) {
  std::string mode = "w" + std::to_string(level);
  fp_ = bgzf_open(path.c_str(), mode.c_str());
  if (!fp_) fail("cannot create", path);
  if (threads > 1 && bgzf_mt(fp_, threads, 256) < 0)
    throw Error(ErrorKind::Library, "bgzf_mt failed for '" + path + "'");
  if (!header_text.empty()) {
    sam_hdr_t* hdr = sam_hdr_parse(header_text.size(), header_text.c_str());
    if (!hdr) throw Error(ErrorKind::Internal, "bad SAM header:\n" + header_text);
    int rc = bam_hdr_write(fp_, hdr);
    sam_hdr_destroy(hdr);
    // The header ends its own block, as samtools writes it.
    if (rc < 0 || bgzf_flush(fp_) < 0) fail("cannot write the BAM header to", path);
  }
}

BamPartWriter::~BamPartWriter() {
  if (fp_) bgzf_close(fp_);
}

void BamPartWriter::write(const bam1_t* b) {
  if (bam_write1(fp_, b) < 0) fail("cannot write", path_);
}

void BamPartWriter::close() {
  int rc = bgzf_close(fp_);
  fp_ = nullptr;
  if (rc < 0) fail("cannot close", path_);
}

void assemble_bam(const std::string& out, const std::string& first, const std::vector<std::string>& parts,
                  int threads) {
  const std::string tmp_bai = first + ".bai";
  try {
    // Drop the EOF marker of the first part, then append the rest after it.
    std::error_code ec;
    auto size = std::filesystem::file_size(first, ec);
    if (ec) fail("cannot read", first);
    std::FILE* in = std::fopen(first.c_str(), "rb");
    if (!in) fail("cannot open", first);
    unsigned char tail[28] = {0};
    bool has_eof = size >= 28 && std::fseek(in, static_cast<long>(size - 28), SEEK_SET) == 0 &&
                   std::fread(tail, 1, 28, in) == 28 && std::memcmp(tail, kBgzfEof, 28) == 0;
    std::fclose(in);
    if (has_eof) std::filesystem::resize_file(first, size - 28, ec);
    if (ec) fail("cannot truncate", first);
    std::FILE* o = std::fopen(first.c_str(), "ab");
    if (!o) fail("cannot append to", first);
    for (const auto& p : parts) append_without_eof(o, p, first);
    bool ok = std::fwrite(kBgzfEof, 1, 28, o) == 28;
    ok = std::fclose(o) == 0 && ok;
    if (!ok) fail("cannot write", first);
    if (sam_index_build3(first.c_str(), tmp_bai.c_str(), 0, threads) < 0)
      throw Error(ErrorKind::Output, "building the BAM index of '" + first + "' failed (unsorted records?)");
    // Index first, then the BAM: the BAM's final name appears last.
    if (std::rename(tmp_bai.c_str(), (out + ".bai").c_str()) != 0 || std::rename(first.c_str(), out.c_str()) != 0)
      fail("cannot rename into", out);
  } catch (...) {
    std::remove(first.c_str());
    std::remove(tmp_bai.c_str());
    for (const auto& p : parts) std::remove(p.c_str());
    throw;
  }
  for (const auto& p : parts) std::remove(p.c_str());
}

}  // namespace dvhpc::sim
