// Tiny hand-made inputs for the reads/kernel tests: FASTA (plain or
// bgzipped, indexed) and coordinate-sorted, indexed BAM/CRAM written with
// htslib from DeepVariant-style read descriptions:
//   make_read("chr1", 1, "TCCGT", "5M")   // 1-based POS like SAM
#pragma once

#include <htslib/bgzf.h>
#include <htslib/faidx.h>
#include <htslib/sam.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"  // TempDir

namespace dvhpc::test {

struct TestRead {
  std::string name;
  std::string contig;
  int64_t pos1 = 1;  // 1-based leftmost position
  std::string seq;
  std::string cigar;
  int flag = 0;
  int mapq = 60;
  std::string qual;  // phred+33; empty = all 'I' (Q40)
  int64_t tlen = 0;
};

inline TestRead make_read(const std::string& contig, int64_t pos1, const std::string& seq,
                          const std::string& cigar, int flag = 0, int mapq = 60) {
  static int serial = 0;
  TestRead r;
  r.name = "read" + std::to_string(++serial);
  r.contig = contig;
  r.pos1 = pos1;
  r.seq = seq;
  r.cigar = cigar;
  r.flag = flag;
  r.mapq = mapq;
  return r;
}


// Writes `contigs` as FASTA (line width 60), bgzipped when `bgzip`, and
// builds the .fai (and .gzi).
inline std::string write_fasta(const TempDir& dir, const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& contigs,
                               bool bgzip = false) {
  std::string text;
  for (const auto& [n, s] : contigs) {
    text += ">" + n + "\n";
    for (size_t i = 0; i < s.size(); i += 60) text += s.substr(i, 60) + "\n";
  }
  const std::string path = dir.file(name);
  if (bgzip) {
    BGZF* fp = bgzf_open(path.c_str(), "w");
    if (!fp || bgzf_write(fp, text.data(), text.size()) < 0 || bgzf_close(fp) < 0)
      throw std::runtime_error("bgzf write failed");
  } else {
    std::ofstream(path) << text;
  }
  if (fai_build(path.c_str()) != 0) throw std::runtime_error("fai_build failed for " + path);
  return path;
}

// Writes the reads as a sorted, indexed BAM (or CRAM when the name ends in
// .cram; `reference` is then required). `sample` adds an @RG line.
inline std::string write_reads(const TempDir& dir, const std::string& name,
                               const std::vector<std::pair<std::string, int64_t>>& contigs,
                               std::vector<TestRead> reads, const std::string& sample = "",
                               const std::string& reference = "") {
  std::string header = "@HD\tVN:1.6\tSO:coordinate\n";
  for (const auto& [n, len] : contigs) header += "@SQ\tSN:" + n + "\tLN:" + std::to_string(len) + "\n";
  if (!sample.empty()) header += "@RG\tID:rg1\tSM:" + sample + "\n";
  auto tid = [&](const std::string& c) {
    for (size_t i = 0; i < contigs.size(); ++i)
      if (contigs[i].first == c) return static_cast<int>(i);
    return -1;
  };
  std::stable_sort(reads.begin(), reads.end(), [&](const TestRead& a, const TestRead& b) {
    return std::make_pair(tid(a.contig), a.pos1) < std::make_pair(tid(b.contig), b.pos1);
  });
  const std::string sam_path = dir.file(name + ".sam");
  {
    std::ofstream out(sam_path);
    out << header;
    for (const auto& r : reads)
      out << r.name << '\t' << r.flag << '\t' << r.contig << '\t' << r.pos1 << '\t' << r.mapq << '\t' << r.cigar
          << "\t*\t0\t" << r.tlen << '\t' << r.seq << '\t'
          << (r.qual.empty() ? std::string(r.seq.size(), 'I') : r.qual) << (sample.empty() ? "" : "\tRG:Z:rg1")
          << '\n';
  }
  const std::string path = dir.file(name);
  const bool cram = path.size() > 5 && path.substr(path.size() - 5) == ".cram";
  samFile* in = sam_open(sam_path.c_str(), "r");
  samFile* out = sam_open(path.c_str(), cram ? "wc" : "wb");
  if (!in || !out) throw std::runtime_error("cannot open " + sam_path + " / " + path);
  if (cram) hts_set_fai_filename(out, reference.c_str());
  sam_hdr_t* h = sam_hdr_read(in);
  if (!h || sam_hdr_write(out, h) < 0) throw std::runtime_error("header write failed");
  bam1_t* b = bam_init1();
  int rc;
  while ((rc = sam_read1(in, h, b)) >= 0)
    if (sam_write1(out, h, b) < 0) throw std::runtime_error("record write failed");
  if (rc < -1) throw std::runtime_error("bad SAM record in test input " + sam_path);
  bam_destroy1(b);
  sam_hdr_destroy(h);
  sam_close(in);
  sam_close(out);
  if (sam_index_build(path.c_str(), 0) < 0) throw std::runtime_error("index build failed for " + path);
  return path;
}

}  // namespace dvhpc::test
