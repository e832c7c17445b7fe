// A VCF header and the check-and-format step for its records, so that any
// rank can turn its records into the final compressed bytes of the file.
//
// Every line is parsed by htslib against the header and written back as
// htslib formats it (what bcf_write would write), so a malformed record is
// an error where it was made, not in a downstream tool, and the bytes equal
// those of an htslib writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/bgzf_blocks.hpp"

struct bcf_hdr_t;
struct bcf1_t;

namespace dvhpc {

struct VcfContig {
  std::string name;
  int64_t length = 0;
};

class VcfFormat {
 public:
  // header_lines: "##INFO=<...>" etc. (without ##fileformat and ##contig,
  // which are written from `contigs`). samples may be empty (sites-only).
  VcfFormat(const std::vector<std::string>& header_lines, const std::vector<VcfContig>& contigs,
            const std::vector<std::string>& samples);
  ~VcfFormat();
  VcfFormat(const VcfFormat&) = delete;
  VcfFormat& operator=(const VcfFormat&) = delete;

  // The header text, compressed and ending its own block (as htslib writes it).
  std::string header_bgzf() const;
  // Checks and formats every newline-separated record of `text` into `out`
  // (records must be sorted); returns how many. Throws on a malformed record.
  int64_t add_records(const std::string& text, BgzfBlocks& out);
  // One shard's records as a finished piece of compressed bytes.
  std::string compress_block(const std::string& text, int64_t* records = nullptr);

 private:
  bcf_hdr_t* hdr_ = nullptr;
  bcf1_t* rec_ = nullptr;
};

}  // namespace dvhpc
