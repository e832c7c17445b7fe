// The reference genome: random access to bases through htslib faidx.
//
// Plain and bgzipped FASTA both work (bgzipped needs its .gzi beside the
// .fai; htslib builds missing indexes when the directory is writable).
// Bases come back upper-cased, so soft-masked (lower-case) repeats compare
// equal to read bases. Coordinates are 0-based half-open like dvhpc::Region.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dvhpc/region.hpp"

struct faidx_t;

namespace dvhpc {

struct ContigInfo {
  std::string name;
  int64_t length = 0;
};

class Reference {
 public:
  // Throws Error(Input) naming the file when it or its index cannot be read.
  explicit Reference(const std::string& path);
  ~Reference();
  Reference(Reference&&) noexcept;
  Reference& operator=(Reference&&) noexcept;
  Reference(const Reference&) = delete;
  Reference& operator=(const Reference&) = delete;

  const std::string& path() const { return path_; }
  // Contigs in FASTA order.
  const std::vector<ContigInfo>& contigs() const { return contigs_; }
  bool has_contig(const std::string& name) const;
  // Throws Error(Input) when the contig is not in the FASTA.
  int64_t length(const std::string& contig) const;

  // Upper-case bases of [begin, end) clipped to the contig. Not thread-safe
  // (faidx keeps one file cursor): give each thread its own Reference.
  std::string fetch(const std::string& contig, int64_t begin, int64_t end) const;
  std::string fetch(const Region& r) const { return fetch(r.contig, r.begin, r.end); }

  // Runs of N (or n) at least `min_run` long inside [begin, end) of
  // `contig`, as regions; read in 1 Mb chunks so a whole chromosome never
  // sits in memory at once.
  std::vector<Region> n_runs(const std::string& contig, int64_t min_run, int64_t begin = 0,
                             int64_t end = INT64_MAX) const;

 private:
  std::string path_;
  faidx_t* fai_ = nullptr;
  std::vector<ContigInfo> contigs_;
};

}  // namespace dvhpc
