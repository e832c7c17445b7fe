// Matching the reads' contig names onto the reference's.
//
// BAM headers and FASTAs disagree in practice: "chr20" vs "20", "chrM" vs
// "MT", or a BAM with 25 @SQ lines against a one-contig FASTA. Rules:
//   1. `contig_aliases:` (reads name -> reference name) wins;
//   2. an identical name matches;
//   3. with `auto_chr_prefix: true`, "chr" is added or stripped (and
//      chrM <-> MT) when that finds the reference contig.
// Reads contigs that match nothing are fine (their reads are never asked
// for), unless the *other* spelling exists in the reference: that is the
// classic chr20-vs-20 mistake, and it is an error naming both spellings and
// the config keys that fix it. A matched pair with different lengths is an
// error (reads aligned to another assembly), and so is a BAM sharing no
// contig with the reference at all.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dvhpc/reference.hpp"

namespace dvhpc {

class ContigMap {
 public:
  ContigMap() = default;
  // to_reference[tid] = the reference name of reads contig tid, "" if none.
  explicit ContigMap(std::vector<std::string> to_reference);

  // The reads tid of a reference contig, -1 when the reads do not have it.
  int reads_tid(const std::string& reference_name) const;
  // The reference name of reads contig `tid` ("" when unmatched).
  const std::string& reference_name(int tid) const;
  size_t size() const { return to_reference_.size(); }

 private:
  std::vector<std::string> to_reference_;
  std::map<std::string, int> to_tid_;
};

// Builds the map or throws Error(Input) as described above. The paths are
// only used in messages.
ContigMap match_contigs(const std::vector<ContigInfo>& reads, const std::vector<ContigInfo>& reference,
                        const std::map<std::string, std::string>& aliases, bool auto_chr_prefix,
                        const std::string& reads_path, const std::string& reference_path);

// "chr20" -> "20", "20" -> "chr20", "chrM" <-> "MT".
std::string toggle_chr_prefix(const std::string& name);

}  // namespace dvhpc
