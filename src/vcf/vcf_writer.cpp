#include "dvhpc/vcf_writer.hpp"
#include "dvhpc/output_set.hpp"

#include <htslib/tbx.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc {
namespace {

// Index first, then the data file: the data file's final name appears last.
void index_and_rename(const std::string& tmp, const std::string& path, bool rename = true) {
  const std::string tmp_index = tmp + ".tbi";
  if (tbx_index_build2(tmp.c_str(), tmp_index.c_str(), 0, &tbx_conf_vcf) < 0) {
    std::remove(tmp_index.c_str());
    throw Error(ErrorKind::Output, "building the tabix index of '" + tmp + "' failed");
  }
  if (!rename) return;
  if (std::rename(tmp_index.c_str(), (path + ".tbi").c_str()) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error(ErrorKind::Output, "cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
}

}  // namespace

VcfWriter::VcfWriter(std::string path, const std::vector<std::string>& header_lines,
                     const std::vector<VcfContig>& contigs, const std::vector<std::string>& samples)
    : path_(std::move(path)), tmp_(path_ + ".tmp-" + std::to_string(::getpid())),
      format_(header_lines, contigs, samples) {
  fp_ = std::fopen(tmp_.c_str(), "wb");
  if (!fp_)
    throw Error(ErrorKind::Output, "cannot create '" + tmp_ + "': " + std::strerror(errno) +
                                       " (is the output directory writable?)");
  const std::string head = format_.header_bgzf();
  if (std::fwrite(head.data(), 1, head.size(), fp_) != head.size())
    throw Error(ErrorKind::Output, "cannot write the VCF header to '" + tmp_ + "'");
}

VcfWriter::~VcfWriter() {
  if (fp_) std::fclose(fp_);
  if (!finished_) {
    std::remove(tmp_.c_str());
    std::remove((tmp_ + ".tbi").c_str());
  }
}

void VcfWriter::write_block(const std::string& text) {
  int64_t n = 0;
  const std::string bytes = format_.compress_block(text, &n);
  if (std::fwrite(bytes.data(), 1, bytes.size(), fp_) != bytes.size())
    throw Error(ErrorKind::Output, "write failed on '" + tmp_ + "' (disk full?)");
  records_ += n;
}

void VcfWriter::finish() {
  const std::string_view eof = BgzfBlocks::eof_block();
  const bool ok = std::fwrite(eof.data(), 1, eof.size(), fp_) == eof.size();
  const bool closed = std::fclose(fp_) == 0;
  fp_ = nullptr;
  if (!ok || !closed) throw Error(ErrorKind::Output, "closing '" + tmp_ + "' failed (disk full?)");
  index_and_rename(tmp_, path_);
  finished_ = true;
}

void write_vcf_pieces(const Comm& comm, const std::string& path, const VcfFormat& format,
                      const PieceLayout& layout, const PieceReader& read, OutputSet* set) {
  // Same temporary name on every rank: rank 0's pid.
  const std::string tmp = comm.broadcast(path + ".tmp-" + std::to_string(::getpid()));
  const std::string head = comm.is_root() ? format.header_bgzf() : std::string();
  try {
    write_pieces(comm, tmp, head, layout, read, std::string(BgzfBlocks::eof_block()));
  } catch (...) {
    if (comm.is_root()) std::remove(tmp.c_str());
    throw;
  }
  // Indexing reads the whole file once; rank 0 does it (the index is small).
  std::string error;
  if (comm.is_root()) {
    try {
      index_and_rename(tmp, path, set == nullptr);
    } catch (const std::exception& e) {
      error = e.what();
      std::remove(tmp.c_str());
    }
  }
  comm.agree_or_throw(error, ErrorKind::Output);
  if (set) {  // the index first: a reader never finds a VCF newer than its index missing
    set->stage(tmp + ".tbi", path + ".tbi");
    set->stage(tmp, path);
  }
}

int64_t write_vcf_collective(const Comm& comm, const std::string& path,
                             const std::vector<std::string>& header_lines,
                             const std::vector<VcfContig>& contigs,
                             const std::vector<std::string>& samples,
                             const std::vector<std::pair<int64_t, std::string>>& local_blocks) {
  VcfFormat format(header_lines, contigs, samples);
  std::vector<int64_t> keys, sizes;
  std::vector<std::string> pieces;
  int64_t records = 0;
  std::string error;
  try {
    for (const auto& [key, text] : local_blocks) {
      int64_t n = 0;
      pieces.push_back(format.compress_block(text, &n));
      records += n;
      keys.push_back(key);
      sizes.push_back(static_cast<int64_t>(pieces.back().size()));
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  comm.agree_or_throw(error, ErrorKind::Internal);
  const PieceLayout layout = layout_pieces(comm, keys, {sizes})[0];
  write_vcf_pieces(comm, path, format, layout, [&](size_t i, int64_t off, int64_t n, char* out) {
    std::memcpy(out, pieces[i].data() + off, static_cast<size_t>(n));
  });
  return comm.allreduce_sum(records);
}

}  // namespace dvhpc
