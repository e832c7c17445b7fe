// Test helpers for eval: tiny VCFs written as text, bgzipped and tabix
// indexed through htslib (bcftools isec needs the index; eval itself does not).
#pragma once

#include <htslib/bgzf.h>
#include <htslib/tbx.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace dvhpc::test {

// A VCF with one sample "S", the given contigs (name, length) in the header
// and `body` as the record lines ("chr1\t10\t.\tCA\tC\t50\tPASS\t.\tGT\t0/1").
inline std::string vcf_text(const std::vector<std::pair<std::string, int64_t>>& contigs,
                            const std::vector<std::string>& body, bool with_sample = true) {
  std::string t = "##fileformat=VCFv4.2\n";
  for (const auto& [n, len] : contigs) t += "##contig=<ID=" + n + ",length=" + std::to_string(len) + ">\n";
  t += "##FILTER=<ID=PASS,Description=\"All filters passed\">\n";
  t += "##FILTER=<ID=LowQual,Description=\"Low quality\">\n";
  t += "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n";
  t += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO";
  t += with_sample ? "\tFORMAT\tS\n" : "\n";
  for (const auto& l : body) t += l + "\n";
  return t;
}

// Writes `text` bgzipped to dir/name and builds name.tbi.
inline std::string write_vcf_gz(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  BGZF* fp = bgzf_open(path.c_str(), "w");
  if (!fp || bgzf_write(fp, text.data(), text.size()) < 0 || bgzf_close(fp) < 0)
    throw std::runtime_error("bgzf write failed for " + path);
  if (tbx_index_build(path.c_str(), 0, &tbx_conf_vcf) != 0)
    throw std::runtime_error("tabix index failed for " + path);
  return path;
}

// One VCF record line; pos is 1-based as in the file.
inline std::string rec(const std::string& contig, int64_t pos, const std::string& ref,
                       const std::string& alt, const std::string& gt, const std::string& filter = "PASS") {
  return contig + "\t" + std::to_string(pos) + "\t.\t" + ref + "\t" + alt + "\t50\t" + filter + "\t.\tGT\t" + gt;
}

}  // namespace dvhpc::test
