// One sample's gVCF (bgzipped + tabix-indexed), read a region at a time
// through the index, so a joint run holds only the records of the region
// it is working on for each sample.
//
// Between fetches only the header and the index stay in memory: the file
// itself is opened for each fetch and closed after it. An open BGZF stream
// holds two 64 KB buffers, which for 1,000 samples would be more than the
// records of a region, and a job would need a file descriptor per sample
// (ulimit -n is often 1,024); one open per region and sample costs tens of
// microseconds against the region's genotyping.
#pragma once

#include <htslib/hts.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/region.hpp"

namespace dvhpc {

struct GvcfRecord {
  int64_t pos = 0, end = 0;          // 0-based, half-open span on the reference
  bool block = false;                // a reference block (<*> only)
  std::string ref;
  std::vector<std::string> alts;     // without <*>
  int star = -1;                     // allele index of <*> (-1: none)
  int a1 = -1, a2 = -1;              // GT (-1: missing)
  int gq = 0;
  std::vector<int> pl;               // VCF order over all alleles, <*> included (site records)
  std::array<int, 3> block_pl{0, 0, 0};  // a block's 0/0, 0/<*>, <*>/<*> PLs
};

// A reference block as held for joint genotyping: 32 bytes and no heap
// memory (blocks are most records, and a region's records of every sample
// are held at once).
struct GvcfBlock {
  int64_t pos = 0, end = 0;
  std::array<int, 3> pl{0, 0, 0};
};

// One sample's records of a region, site records and blocks apart, each in
// position order (blocks never overlap).
struct SampleRecords {
  std::vector<GvcfRecord> sites;
  std::vector<GvcfBlock> blocks;
  int64_t longest_ref = 1;  // of the site records: how far back one can span a position
  void add(GvcfRecord&& r);
  void shrink();  // drops growth slack once the region is read
};

class GvcfReader {
 public:
  explicit GvcfReader(const std::string& path);
  ~GvcfReader();
  GvcfReader(const GvcfReader&) = delete;
  GvcfReader& operator=(const GvcfReader&) = delete;

  const std::string& path() const { return path_; }
  const std::string& sample() const { return sample_; }
  // Contig names and lengths from the header's ##contig lines.
  std::vector<std::pair<std::string, int64_t>> contigs() const;
  // Records overlapping `r`. Throws Error(Input) naming the file.
  SampleRecords fetch(const Region& r);

 private:
  void close();
  std::string path_, sample_;
  htsFile* fp_ = nullptr;
  bcf_hdr_t* hdr_ = nullptr;
  tbx_t* tbx_ = nullptr;
  bcf1_t* rec_ = nullptr;
  int32_t *gt_ = nullptr, *gq_ = nullptr, *pl_ = nullptr;
  int ngt_ = 0, ngq_ = 0, npl_ = 0;
};

}  // namespace dvhpc
