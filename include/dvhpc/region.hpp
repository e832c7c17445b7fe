// Genomic intervals and region strings.
//
// Convention everywhere inside dvhpc: 0-based, half-open [begin, end).
// 1-based closed coordinates appear only at the edges: region strings typed
// by users ("chr20:10,000,001-10,100,000") and VCF POS.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc {

struct Region {
  std::string contig;
  int64_t begin = 0;        // 0-based inclusive
  int64_t end = INT64_MAX;  // 0-based exclusive; INT64_MAX = to the contig's end

  int64_t length() const { return end - begin; }
  bool whole_contig() const { return begin == 0 && end == INT64_MAX; }
  bool operator==(const Region& o) const {
    return contig == o.contig && begin == o.begin && end == o.end;
  }
  bool operator<(const Region& o) const;
  // 1-based closed form, as samtools prints it: "chr20:10000001-10100000".
  std::string to_string() const;
};

// Parses "chr20", "chr20:1000", "chr20:1,000-2,000" (1-based, closed, commas
// allowed). Throws Error(Config) naming the string and the expected forms.
Region parse_region(const std::string& text);

// Reads a BED file (0-based half-open; header/track/browser lines and blank
// lines skipped). Throws Error(Input) with the file name and line number.
std::vector<Region> read_bed(const std::string& path);

}  // namespace dvhpc
