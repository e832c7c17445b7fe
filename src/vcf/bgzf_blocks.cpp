#include "dvhpc/bgzf_blocks.hpp"

#include <htslib/bgzf.h>

#include <zlib.h>

#include <algorithm>
#include <cstdint>

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

std::string bgzf_decompress(std::string_view bytes) {
  std::string out;
  auto u8 = [&](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[i])); };
  size_t at = 0;
  while (at < bytes.size()) {
    // Header: gzip magic, FEXTRA with the "BC" subfield holding BSIZE (block size - 1).
    if (bytes.size() - at < 26 || u8(at) != 31 || u8(at + 1) != 139 || u8(at + 12) != 'B' || u8(at + 13) != 'C')
      throw Error(ErrorKind::Input, "not a BGZF block at byte " + std::to_string(at));
    const size_t block = (u8(at + 16) | (u8(at + 17) << 8)) + 1;
    if (block < 26 || at + block > bytes.size())
      throw Error(ErrorKind::Input, "truncated BGZF block at byte " + std::to_string(at));
    const size_t isize = u8(at + block - 4) | (u8(at + block - 3) << 8) | (u8(at + block - 2) << 16) |
                         (static_cast<size_t>(u8(at + block - 1)) << 24);
    const size_t old = out.size();
    out.resize(old + isize);
    if (isize > 0) {
      z_stream z{};
      if (inflateInit2(&z, -15) != Z_OK) throw Error(ErrorKind::Library, "zlib inflateInit2 failed");
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + at + 18));
      z.avail_in = static_cast<uInt>(block - 26);
      z.next_out = reinterpret_cast<Bytef*>(&out[old]);
      z.avail_out = static_cast<uInt>(isize);
      const int rc = inflate(&z, Z_FINISH);
      inflateEnd(&z);
      if (rc != Z_STREAM_END || z.avail_out != 0)
        throw Error(ErrorKind::Input, "corrupt BGZF block at byte " + std::to_string(at));
    }
    const uLong crc = u8(at + block - 8) | (u8(at + block - 7) << 8) | (u8(at + block - 6) << 16) |
                      (static_cast<uLong>(u8(at + block - 5)) << 24);
    if (crc32(0L, reinterpret_cast<const Bytef*>(out.data() + old), static_cast<uInt>(isize)) != crc)
      throw Error(ErrorKind::Input, "BGZF block at byte " + std::to_string(at) + " fails its CRC check");
    at += block;
  }
  return out;
}

}  // namespace dvhpc
