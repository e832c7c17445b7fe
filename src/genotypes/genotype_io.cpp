// Format dispatch for genotype matrices, and the HDF5 layout's writer.
#include "dvhpc/genotype_io.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "dvhpc/comm.hpp"
#include "dvhpc/h5_file.hpp"
#include "genotype_io_detail.hpp"

namespace dvhpc {
namespace {

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string plink_prefix(const std::string& path) {
  for (const char* ext : {".bed", ".bim", ".fam"})
    if (ends_with(path, ext)) return path.substr(0, path.size() - 4);
  return path;
}

GenotypeFormat genotype_format(const std::string& path) {
  if (ends_with(path, ".h5") || ends_with(path, ".hdf5")) {
    if (!exists(path)) throw Error(ErrorKind::Input, "genotype file '" + path + "' does not exist");
    return GenotypeFormat::Hdf5;
  }
  if (ends_with(path, ".vcf") || ends_with(path, ".vcf.gz") || ends_with(path, ".vcf.bgz") || ends_with(path, ".bcf")) {
    if (!exists(path)) throw Error(ErrorKind::Input, "genotype file '" + path + "' does not exist");
    return GenotypeFormat::Vcf;
  }
  const std::string prefix = plink_prefix(path);
  std::string missing;
  for (const char* ext : {".bed", ".bim", ".fam"})
    if (!exists(prefix + ext)) missing += (missing.empty() ? "" : ", ") + prefix + ext;
  if (missing.empty()) return GenotypeFormat::Plink;
  throw Error(ErrorKind::Input, "cannot read genotypes from '" + path + "': expected a PLINK 1 prefix (missing " +
                                    missing + "), an HDF5 genotype matrix (.h5) or a VCF/BCF (.vcf, .vcf.gz, .bcf)");
}

GenotypeMatrix read_genotype_matrix(const Comm& comm, const std::string& path, GenotypeReadStats* stats) {
  GenotypeMatrix m;
  std::string error;
  try {
    switch (genotype_format(path)) {
      case GenotypeFormat::Plink: m = detail::read_plink(comm, plink_prefix(path)); break;
      case GenotypeFormat::Hdf5: m = detail::read_genotype_h5(comm, path); break;
      case GenotypeFormat::Vcf: m = detail::read_genotype_vcf(comm, path, stats); break;
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  comm.agree_or_throw(error, ErrorKind::Input);
  if (m.n_samples() == 0) throw Error::on_all_ranks(ErrorKind::Input, "'" + path + "' has no samples");
  return m;
}

void write_genotype_h5(const Comm& comm, H5File& f, const GenotypeMatrix& m) {
  const auto runs = index_runs(m.index);
  std::vector<int64_t> keys, sizes;
  for (const auto& [at, len] : runs) {
    keys.push_back(m.index[static_cast<size_t>(at)]);
    sizes.push_back(len);
  }
  const PieceLayout rows = layout_pieces(comm, keys, {sizes})[0];
  auto strings = [&](const std::string& name, std::string VariantId::*field) {
    f.write_ordered_strings(name, rows, [&](size_t i, int64_t r) -> const std::string& {
      return m.variants[static_cast<size_t>(runs[i].first + r)].*field;
    });
  };
  f.create_group("/calls");
  strings("/calls/contig", &VariantId::chrom);
  f.write_ordered("/calls/pos", H5T_NATIVE_INT64, {}, rows, [&](size_t i, int64_t row0, int64_t n, void* out) {
    auto* o = static_cast<int64_t*>(out);
    for (int64_t r = 0; r < n; ++r) o[r] = m.variants[static_cast<size_t>(runs[i].first + row0 + r)].pos;
  });
  strings("/calls/id", &VariantId::id);
  strings("/calls/ref", &VariantId::ref);
  strings("/calls/alt", &VariantId::alt);
  const int64_t ns = m.n_samples();
  f.write_ordered("/genotypes", H5T_NATIVE_INT8, {ns}, rows, [&](size_t i, int64_t row0, int64_t n, void* out) {
    auto* o = static_cast<int8_t*>(out);
    for (int64_t r = 0; r < n; ++r) {
      const uint8_t* row = m.row(runs[i].first + row0 + r);
      for (int64_t j = 0; j < ns; ++j) o[r * ns + j] = static_cast<int8_t>(alt_copies(code_at(row, j)));
    }
  });
  f.write_attribute("/genotypes", "encoding", "alt allele copies: 0, 1, 2; -1 missing");
  f.write_attribute("/genotypes", "axes", "variant, sample");
  std::vector<std::string> iids, fids;
  if (comm.is_root())
    for (const auto& s : m.samples) {
      iids.push_back(s.iid);
      fids.push_back(s.fid);
    }
  f.write_column("/samples", iids);
  f.write_column("/sample_fid", fids);
}

}  // namespace dvhpc
