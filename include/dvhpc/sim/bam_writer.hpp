// Writing the simulated reads as one coordinate-sorted, indexed BAM from
// many ranks.
//
// BAM is a BGZF stream, and BGZF blocks are independent gzip members, so
// valid BAM = header blocks + record blocks of rank 0 + record blocks of
// rank 1 + ... + the EOF marker. Each rank compresses its own sorted records
// (multi-threaded BGZF) into a part file without header; rank 0 writes the
// header into its own blocks and concatenates header and parts, dropping each
// part's EOF marker, then builds the index. Because each part holds whole
// spans in genome order, the concatenation is sorted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/sim/reads.hpp"

struct BGZF;
struct bam1_t;

namespace dvhpc::sim {

struct BamContig {
  std::string name;
  int64_t length = 0;
};

// SAM header text: @HD SO:coordinate, @SQ per contig, one @RG (ID and SM =
// sample), @PG.
std::string bam_header_text(const std::vector<BamContig>& contigs, const std::string& sample,
                            const std::string& command_line);

// Fills `b` with read `which` (0 left/forward, 1 right/reverse) of `f`:
// flags (paired, proper, strand, mate strand, read 1/2), MAPQ 60, mate
// position, TLEN (positive on the leftmost read) and RG:Z.
void encode_read(const Fragment& f, int which, int32_t tid, const std::string& qname,
                 const std::string& read_group, bam1_t* b);

// A BGZF file of BAM records without header.
class BamPartWriter {
 public:
  BamPartWriter(const std::string& path, int threads, int level);
  ~BamPartWriter();
  BamPartWriter(const BamPartWriter&) = delete;
  BamPartWriter& operator=(const BamPartWriter&) = delete;
  void write(const bam1_t* b);
  void close();

 private:
  std::string path_;
  BGZF* fp_ = nullptr;
};

// Writes `header_text` and the parts (in order) as `out` with its .bai:
// both go to temporary names first and are renamed when complete. Parts are
// removed afterwards. Throws Error(Output) on failure.
void assemble_bam(const std::string& out, const std::string& header_text, const std::vector<std::string>& parts,
                  int threads);

}  // namespace dvhpc::sim
