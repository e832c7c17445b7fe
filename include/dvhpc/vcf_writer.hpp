// Writing bgzipped, tabix-indexed VCF files atomically and deterministically.
//
// Records are written to "<path>.tmp-<pid>" and only the final step renames
// the file and its .tbi to their final names, so a crash or an error never
// leaves a partial file under the final name. Text blocks (one per genome
// shard) each end their own BGZF blocks, so the bytes depend only on the
// shards, not on how many ranks produced them: the same input gives a
// byte-identical file at any rank count.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "dvhpc/ordered_pieces.hpp"
#include "dvhpc/vcf_format.hpp"

namespace dvhpc {

class OutputSet;

class Comm;

// One process writing one VCF, block after block.
class VcfWriter {
 public:
  VcfWriter(std::string path, const std::vector<std::string>& header_lines,
            const std::vector<VcfContig>& contigs, const std::vector<std::string>& samples);
  ~VcfWriter();
  VcfWriter(const VcfWriter&) = delete;
  VcfWriter& operator=(const VcfWriter&) = delete;

  // Appends newline-separated VCF records (sorted, after those already
  // written) and ends the BGZF block.
  void write_block(const std::string& text);
  // Closes, builds the tabix index and renames both into place.
  void finish();
  int64_t records() const { return records_; }

 private:
  std::string path_, tmp_;
  VcfFormat format_;
  std::FILE* fp_ = nullptr;
  int64_t records_ = 0;
  bool finished_ = false;
};

// Collective: the VCF at `path` from every rank's pieces of compressed
// records (VcfFormat::compress_block of one shard each), laid out in key
// order; rank 0 adds the header and the end-of-file block, builds the tabix
// index and renames both into place. Record bytes never leave the rank that
// holds them.
// With `set`, the file and its index are staged there (output_set.hpp)
// instead of renamed.
void write_vcf_pieces(const Comm& comm, const std::string& path, const VcfFormat& format,
                      const PieceLayout& layout, const PieceReader& read, OutputSet* set = nullptr);

// Collective convenience for in-memory text: every rank's (key, VCF text)
// blocks, compressed where they are and written as above. Returns the number
// of records written (summed over ranks).
int64_t write_vcf_collective(const Comm& comm, const std::string& path,
                             const std::vector<std::string>& header_lines,
                             const std::vector<VcfContig>& contigs,
                             const std::vector<std::string>& samples,
                             const std::vector<std::pair<int64_t, std::string>>& local_blocks);

}  // namespace dvhpc
