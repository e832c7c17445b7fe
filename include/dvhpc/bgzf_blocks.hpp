// BGZF compression into memory, block for block as htslib writes a VCF.
//
// The shards of a VCF are compressed on the ranks that made them and the
// compressed bytes are concatenated in genome order (shard_output.hpp). For
// that to give the same file as one htslib writer would, each piece must
// end on a block boundary and cut its blocks where htslib does:
//   - a record starts a new block when it would not fit in the current one
//     (htslib's bgzf_flush_try in vcf_write), so records never straddle
//     blocks unless one is longer than a block;
//   - a full block (BGZF_BLOCK_SIZE bytes of text) is compressed at once;
//   - flush() ends the piece (bgzf_flush).
// Each block goes through htslib's own bgzf_compress at the level htslib
// uses for "wz", so the bytes are htslib's.
#pragma once

#include <string>
#include <string_view>

namespace dvhpc {

class BgzfBlocks {
 public:
  // Appends one record (a whole line with its '\n'), starting a new block first if it would not fit.
  void add_record(std::string_view line);
  // Appends bytes without the record rule (htslib writes the header this way).
  void add_raw(std::string_view bytes);
  // Compresses what is pending into a last block (nothing if nothing is pending).
  void flush();
  // The compressed bytes so far (call flush() first for a complete piece).
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

  // The 28-byte empty block that ends every BGZF file.
  static std::string_view eof_block();

 private:
  void compress_pending();
  std::string pending_, out_;
};

// The text of concatenated BGZF blocks (a piece made by BgzfBlocks, or a
// whole file). Throws Error(Input) on a truncated or corrupt block. Used to
// revise a spilled piece at assembly time (call_outputs.cpp), which is rare
// and small, so the pieces themselves stay compressed.
std::string bgzf_decompress(std::string_view bytes);

}  // namespace dvhpc
