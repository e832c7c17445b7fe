// GenotypeMatrix helpers and the sample-table reader.
#include "dvhpc/genotype_matrix.hpp"

#include <fstream>
#include <sstream>
#include <unordered_set>

#include "dvhpc/error.hpp"
#include "dvhpc/genotype_io.hpp"

namespace dvhpc {

uint8_t* GenotypeMatrix::add_variant(int64_t global_index, VariantId v) {
  index.push_back(global_index);
  variants.push_back(std::move(v));
  packed.resize(packed.size() + static_cast<size_t>(row_bytes()), 0);
  return row(local_variants() - 1);
}

std::vector<std::pair<int64_t, int64_t>> index_runs(const std::vector<int64_t>& index) {
  std::vector<std::pair<int64_t, int64_t>> runs;
  for (size_t i = 0; i < index.size(); ++i) {
    if (!runs.empty() && index[i] == index[i - 1] + 1)
      ++runs.back().second;
    else
      runs.emplace_back(static_cast<int64_t>(i), 1);
  }
  return runs;
}

std::string synthetic_variant_id(const VariantId& v) {
  return v.chrom + ":" + std::to_string(v.pos) + ":" + v.ref + ":" + v.alt;
}

std::vector<std::pair<SampleId, std::string>> read_sample_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::Input, "cannot open the sample table '" + path + "'");
  std::vector<std::pair<SampleId, std::string>> rows;
  std::unordered_set<std::string> seen;
  std::string line;
  int64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream fields(line);
    std::string fid, iid, value;
    if (!(fields >> fid)) continue;  // blank line
    if (lineno == 1 && (fid[0] == '#' || fid == "FID")) continue;
    if (!(fields >> iid >> value))
      throw Error(ErrorKind::Input, path + ":" + std::to_string(lineno) +
                                        ": expected 'FID IID value' (whitespace-separated), got '" + line + "'");
    if (!seen.insert(fid + '\t' + iid).second)
      throw Error(ErrorKind::Input, path + ":" + std::to_string(lineno) + ": sample '" + fid + " " + iid +
                                        "' appears twice");
    rows.push_back({SampleId{fid, iid}, value});
  }
  return rows;
}

}  // namespace dvhpc
