// Writing bgzipped, tabix-indexed VCF files atomically and deterministically.
//
// Records are written to "<path>.tmp-<pid>" and only finish() renames the
// file and its .tbi to their final names, so a crash or an error never
// leaves a partial file under the final name (the destructor removes the
// temporary). Text blocks (one per genome shard) are each flushed into their
// own BGZF blocks, so the bytes depend only on the shards, not on how many
// ranks produced them: the same input gives a byte-identical file at any
// rank count.
//
// Every line is parsed by htslib against the header before it is written, so
// a malformed record is an error here, not in a downstream tool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>


struct htsFile;
struct bcf_hdr_t;
struct bcf1_t;

namespace dvhpc {

class Comm;

struct VcfContig {
  std::string name;
  int64_t length = 0;
};

class VcfWriter {
 public:
  // header_lines: "##INFO=<...>" etc. (without ##fileformat and ##contig,
  // which are written from `contigs`). samples may be empty (sites-only).
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
  htsFile* fp_ = nullptr;
  bcf_hdr_t* hdr_ = nullptr;
  bcf1_t* rec_ = nullptr;
  int64_t records_ = 0;
  bool finished_ = false;
};

// Collective: gathers every rank's (shard index, VCF text) blocks to rank 0
// and writes them there in shard order. Shard indexes are global and unique.
// Returns the number of records written (on rank 0; 0 elsewhere).
int64_t write_vcf_collective(const Comm& comm, const std::string& path,
                             const std::vector<std::string>& header_lines,
                             const std::vector<VcfContig>& contigs,
                             const std::vector<std::string>& samples,
                             const std::vector<std::pair<int64_t, std::string>>& local_blocks);

}  // namespace dvhpc
