// Writing the simulated reads as one coordinate-sorted, indexed BAM from
// many ranks.
//
// BAM is a BGZF stream, and BGZF blocks are independent gzip members, so
// valid BAM = header blocks + record blocks of rank 0 + record blocks of
// rank 1 + ... + the EOF marker. Each rank compresses its own sorted records
// (multi-threaded BGZF) into a part file; rank 0's part begins with the
// header in its own blocks. Rank 0 then appends the other parts to its own,
// dropping each EOF marker (so its records are never copied), builds the
// index and renames the result. Because each part holds whole spans in
// genome order, the concatenation is sorted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/sim/paired_reads.hpp"

struct BGZF;
struct bam1_t;

namespace dvhpc::sim {

struct BamContig {
  std::string name;
  int64_t length = 0;
};

// SAM header text: @HD SO:coordinate, @SQ per contig, one @RG (ID and SM =
// sample, PL = platform), @PG.
std::string bam_header_text(const std::vector<BamContig>& contigs, const std::string& sample,
                            const std::string& command_line, const std::string& platform = "ILLUMINA");

// Fills `b` with read `which` (0 left/forward, 1 right/reverse) of `f`:
// flags (paired, proper, strand, mate strand, read 1/2), MAPQ 60, mate
// position, TLEN (positive on the leftmost read) and RG:Z.
void encode_read(const Fragment& f, int which, int32_t tid, const std::string& qname,
                 const std::string& read_group, bam1_t* b);

// Fills `b` with a single-end read (long reads): strand flag only, MAPQ 60,
// no mate, RG:Z.
void encode_single_read(const SimRead& r, bool reverse, int32_t tid, const std::string& qname,
                        const std::string& read_group, bam1_t* b);

// A BGZF file of BAM records, with the header first when `header_text` is
// not empty (rank 0's part).
class BamPartWriter {
 public:
  BamPartWriter(const std::string& path, int threads, int level, const std::string& header_text = "");
  ~BamPartWriter();
  BamPartWriter(const BamPartWriter&) = delete;
  BamPartWriter& operator=(const BamPartWriter&) = delete;
  void write(const bam1_t* b);
  void close();

 private:
  std::string path_;
  BGZF* fp_ = nullptr;
};

// Appends `parts` (in order) to `first` (the part holding the header), builds
// the index and renames both to `out` and `out`.bai, index first, so no
// partial file ever has the final name. Parts are removed; on failure
// `first` is removed too. Throws Error(Output).
void assemble_bam(const std::string& out, const std::string& first, const std::vector<std::string>& parts,
                  int threads);

}  // namespace dvhpc::sim
