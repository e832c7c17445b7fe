#include "dvhpc/bgzf_blocks.hpp"

#include <htslib/bgzf.h>

#include <algorithm>

#include "dvhpc/error.hpp"

namespace dvhpc {

void BgzfBlocks::add_record(std::string_view line) {
  if (pending_.size() + line.size() > BGZF_BLOCK_SIZE) compress_pending();
  add_raw(line);
}

void BgzfBlocks::add_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const size_t n = std::min<size_t>(BGZF_BLOCK_SIZE - pending_.size(), bytes.size());
    pending_.append(bytes.data(), n);
    bytes.remove_prefix(n);
    if (pending_.size() == BGZF_BLOCK_SIZE) compress_pending();
  }
}

void BgzfBlocks::flush() { compress_pending(); }

void BgzfBlocks::compress_pending() {
  if (pending_.empty()) return;
  char block[BGZF_MAX_BLOCK_SIZE];
  size_t len = sizeof block;
  // Level -1: what htslib's "wz" mode passes (zlib's or libdeflate's default).
  if (bgzf_compress(block, &len, pending_.data(), pending_.size(), -1) != 0)
    throw Error(ErrorKind::Library, "bgzf_compress failed on a block of " + std::to_string(pending_.size()) + " bytes");
  out_.append(block, len);
  pending_.clear();
}

std::string_view BgzfBlocks::eof_block() {
  static const char eof[28] = {'\037', '\213', '\010', '\4', 0, 0, 0, 0, 0, '\377', 6, 0, 'B', 'C',
                               2,      0,      '\033', 0,    3, 0, 0, 0, 0, 0,      0, 0, 0, 0};
  return {eof, sizeof eof};
}

}  // namespace dvhpc
