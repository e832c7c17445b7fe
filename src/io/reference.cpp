#include "dvhpc/reference.hpp"

#include <htslib/faidx.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "dvhpc/error.hpp"

namespace dvhpc {

Reference::Reference(const std::string& path) : path_(path) {
  fai_ = fai_load3(path.c_str(), nullptr, nullptr, FAI_CREATE);
  if (!fai_)
    throw Error(ErrorKind::Input,
                "cannot open reference '" + path +
                    "' or its index: the file must exist and have a .fai (and a .gzi when "
                    "bgzipped) beside it; make them with `samtools faidx " + path +
                    "`. A plain gzip (not bgzip) FASTA cannot be indexed: recompress with bgzip.");
  // faidx_seq_len is int in htslib 1.16: contigs up to 2^31-1 bases.
  const int n = faidx_nseq(fai_);
  contigs_.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const char* name = faidx_iseq(fai_, i);
    contigs_.push_back({name, static_cast<int64_t>(faidx_seq_len(fai_, name))});
  }
}

Reference::~Reference() {
  if (fai_) fai_destroy(fai_);
}

Reference::Reference(Reference&& o) noexcept
    : path_(std::move(o.path_)), fai_(o.fai_), contigs_(std::move(o.contigs_)) {
  o.fai_ = nullptr;
}

Reference& Reference::operator=(Reference&& o) noexcept {
  if (this != &o) {
    if (fai_) fai_destroy(fai_);
    path_ = std::move(o.path_);
    fai_ = o.fai_;
    contigs_ = std::move(o.contigs_);
    o.fai_ = nullptr;
  }
  return *this;
}

bool Reference::has_contig(const std::string& name) const {
  return faidx_has_seq(fai_, name.c_str()) != 0;
}

int64_t Reference::length(const std::string& contig) const {
  for (const auto& c : contigs_)
    if (c.name == contig) return c.length;
  throw Error(ErrorKind::Input, "contig '" + contig + "' is not in the reference '" + path_ +
                                    "' (it has " + std::to_string(contigs_.size()) +
                                    " contigs, the first is '" +
                                    (contigs_.empty() ? std::string() : contigs_[0].name) + "')");
}

std::string Reference::fetch(const std::string& contig, int64_t begin, int64_t end) const {
  const int64_t len = length(contig);
  begin = std::max<int64_t>(0, begin);
  end = std::min(end, len);
  if (end <= begin) return {};
  hts_pos_t got = 0;
  // faidx_fetch_seq64 takes a 0-based closed interval.
  char* s = faidx_fetch_seq64(fai_, contig.c_str(), begin, end - 1, &got);
  if (!s || got < 0)
    throw Error(ErrorKind::Input, "cannot read " + contig + ":" + std::to_string(begin + 1) + "-" +
                                      std::to_string(end) + " from reference '" + path_ +
                                      "': the file may be truncated or its index stale");
  std::string out(s, static_cast<size_t>(got));
  std::free(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<Region> Reference::n_runs(const std::string& contig, int64_t min_run, int64_t begin,
                                      int64_t end) const {
  end = std::min(end, length(contig));
  std::vector<Region> runs;
  constexpr int64_t kChunk = 1 << 20;
  int64_t run_start = -1;
  for (int64_t pos = begin; pos < end; pos += kChunk) {
    const std::string s = fetch(contig, pos, std::min(end, pos + kChunk));
    for (size_t i = 0; i < s.size(); ++i) {
      const bool is_n = s[i] == 'N';
      if (is_n && run_start < 0) run_start = pos + static_cast<int64_t>(i);
      if (!is_n && run_start >= 0) {
        const int64_t here = pos + static_cast<int64_t>(i);
        if (here - run_start >= min_run) runs.push_back({contig, run_start, here});
        run_start = -1;
      }
    }
  }
  if (run_start >= 0 && end - run_start >= min_run) runs.push_back({contig, run_start, end});
  return runs;
}

}  // namespace dvhpc
