// Loading aligned reads (BAM or CRAM) with htslib into a ReadBatch.
//
// Region queries need the index (.bai/.csi/.crai). BGZF decompression runs
// on `filters.decompress_threads` htslib threads. The filters follow
// DeepVariant's make_examples defaults (config.hpp: ReadFilterConfig):
// unmapped reads are always dropped; secondary, supplementary, QC-fail and
// duplicate reads and reads with MAPQ < min_mapq are dropped unless the
// config turns that filter off. Reads must overlap the queried region.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/config.hpp"
#include "dvhpc/contigs.hpp"
#include "dvhpc/read_batch.hpp"
#include "dvhpc/reference.hpp"

struct htsFile;
struct sam_hdr_t;
struct hts_idx_t;

namespace dvhpc {

// Why reads were dropped (a read counts once, for the first reason in this
// order).
struct ReadFilterStats {
  int64_t seen = 0;
  int64_t unmapped = 0;
  int64_t secondary = 0;
  int64_t supplementary = 0;
  int64_t qc_fail = 0;
  int64_t duplicate = 0;
  int64_t low_mapq = 0;
  int64_t kept = 0;
  ReadFilterStats& operator+=(const ReadFilterStats& o);
};

class ReadLoader {
 public:
  // `reference_path` is needed to decode CRAM; it may be empty for BAM.
  // Throws Error(Input) naming the file when it or its index cannot be read.
  ReadLoader(const std::string& path, const ReadFilterConfig& filters,
             const std::string& reference_path = "");
  ~ReadLoader();
  ReadLoader(const ReadLoader&) = delete;
  ReadLoader& operator=(const ReadLoader&) = delete;

  const std::string& path() const { return path_; }
  bool is_cram() const { return is_cram_; }
  // @SQ lines of the header, in order (index = tid).
  const std::vector<ContigInfo>& contigs() const { return contigs_; }

  // The sample: `configured` (config `sample:`) when set, else the SM of
  // the @RG lines, else the file name without directory and extension.
  // Throws when @RG lines name several different samples and none is set.
  std::string sample_name(const std::string& configured) const;

  // Appends to `batch` the reads overlapping `region` (reference contig
  // names, translated through `contigs`) that pass the filters. A contig the
  // reads do not have yields no reads. batch.region is set to `region`.
  void load(const Region& region, const ContigMap& contigs, ReadBatch& batch);
  ReadBatch load(const Region& region, const ContigMap& contigs);

  // Mapped-read count of reads contig `tid` from the index (0 if unknown).
  int64_t indexed_mapped_reads(int tid) const;
  // Compressed bytes the index points to for [begin, end) of `tid`: a cheap
  // proxy for the number of reads there (-1 when the index cannot tell, as
  // for CRAM).
  int64_t indexed_bytes(int tid, int64_t begin, int64_t end) const;

  const ReadFilterStats& stats() const { return stats_; }

 private:
  std::string path_;
  std::string reference_path_;  // CRAM: to name a reference mismatch when decoding fails
  ReadFilterConfig filters_;
  htsFile* fp_ = nullptr;
  sam_hdr_t* hdr_ = nullptr;
  hts_idx_t* idx_ = nullptr;
  bool is_cram_ = false;
  std::vector<ContigInfo> contigs_;
  ReadFilterStats stats_;
};

}  // namespace dvhpc
