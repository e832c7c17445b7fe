// PLINK 1 binary sets (.bed/.bim/.fam) read and written in parallel.
//
// A variant-major .bed is 3 magic bytes and then one packed row per variant,
// so the row count follows from the file size and each rank reads only its
// own contiguous block of rows. The .bim is text: every rank scans it (a few
// tens of bytes per variant) and keeps the lines of its block.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dvhpc/comm.hpp"
#include "dvhpc/genotype_io.hpp"
#include "dvhpc/ordered_pieces.hpp"
#include "genotype_io_detail.hpp"

namespace dvhpc {
namespace {

constexpr unsigned char kMagic[3] = {0x6c, 0x1b, 0x01};

std::vector<SampleId> read_fam(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::Input, "cannot open '" + path + "'");
  std::vector<SampleId> out;
  std::string line;
  int64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream f(line);
    SampleId s;
    if (!(f >> s.fid)) continue;
    if (!(f >> s.iid))
      throw Error(ErrorKind::Input, path + ":" + std::to_string(lineno) + ": a .fam line needs at least FID and IID");
    out.push_back(std::move(s));
  }
  if (out.empty()) throw Error(ErrorKind::Input, "'" + path + "' lists no samples");
  return out;
}

VariantId parse_bim_line(const std::string& line, const std::string& path, int64_t lineno) {
  std::istringstream f(line);
  VariantId v;
  std::string cm;
  if (!(f >> v.chrom >> v.id >> cm >> v.pos >> v.alt >> v.ref))
    throw Error(ErrorKind::Input, path + ":" + std::to_string(lineno) +
                                      ": a .bim line needs 6 fields (chrom id cM pos A1 A2), got '" + line + "'");
  if (v.id == ".") v.id = synthetic_variant_id(v);
  return v;
}

}  // namespace

namespace detail {

GenotypeMatrix read_plink(const Comm& comm, const std::string& prefix) {
  GenotypeMatrix m;
  m.samples = read_fam(prefix + ".fam");
  const std::string bed = prefix + ".bed";
  std::FILE* fp = std::fopen(bed.c_str(), "rb");
  if (!fp) throw Error(ErrorKind::Input, "cannot open '" + bed + "': " + std::strerror(errno));
  struct Closer {
    std::FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{fp};
  unsigned char magic[3] = {0, 0, 0};
  if (std::fread(magic, 1, 3, fp) != 3 || magic[0] != kMagic[0] || magic[1] != kMagic[1])
    throw Error(ErrorKind::Input, "'" + bed + "' is not a PLINK 1 .bed file (bad magic bytes)");
  if (magic[2] != kMagic[2])
    throw Error(ErrorKind::Input, "'" + bed + "' is sample-major (PLINK < 1.0); convert it with `plink --bfile " +
                                      prefix + " --make-bed --out NEW`");
  std::fseek(fp, 0, SEEK_END);
  const int64_t size = std::ftell(fp);
  const int64_t rb = m.row_bytes();
  if ((size - 3) % rb != 0)
    throw Error(ErrorKind::Input, "'" + bed + "' has " + std::to_string(size - 3) + " bytes of genotypes, not a " +
                                      "multiple of " + std::to_string(rb) + " (one row for " +
                                      std::to_string(m.n_samples()) + " samples of the .fam): truncated or not " +
                                      "matching its .fam");
  m.total_variants = (size - 3) / rb;
  const auto [first, last] = rank_block(m.total_variants, comm.rank(), comm.size());

  // The .bim: keep this rank's lines, count them all.
  const std::string bim = prefix + ".bim";
  std::ifstream in(bim);
  if (!in) throw Error(ErrorKind::Input, "cannot open '" + bim + "'");
  std::string line;
  int64_t n = 0, lineno = 0;
  m.variants.reserve(static_cast<size_t>(last - first));
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (n >= first && n < last) m.variants.push_back(parse_bim_line(line, bim, lineno));
    ++n;
  }
  if (n != m.total_variants)
    throw Error(ErrorKind::Input, "'" + bim + "' lists " + std::to_string(n) + " variants but '" + bed + "' holds " +
                                      std::to_string(m.total_variants) + " rows of " +
                                      std::to_string(m.n_samples()) + " samples");
  m.index.resize(static_cast<size_t>(last - first));
  for (int64_t i = first; i < last; ++i) m.index[static_cast<size_t>(i - first)] = i;
  m.packed.resize(static_cast<size_t>((last - first) * rb));
  if (!m.packed.empty()) {
    if (std::fseek(fp, 3 + first * rb, SEEK_SET) != 0 ||
        std::fread(m.packed.data(), 1, m.packed.size(), fp) != m.packed.size())
      throw Error(ErrorKind::Input, "reading rows " + std::to_string(first) + ".." + std::to_string(last) +
                                        " of '" + bed + "' failed");
  }
  // Clear the padding bits of each row's last byte (PLINK writes zeros; be safe).
  if (m.n_samples() % 4 != 0) {
    const uint8_t mask = static_cast<uint8_t>((1u << (2 * (m.n_samples() % 4))) - 1);
    for (int64_t i = 0; i < last - first; ++i) m.row(i)[rb - 1] &= mask;
  }
  return m;
}

}  // namespace detail

void write_plink(const Comm& comm, const std::string& prefix, const GenotypeMatrix& m) {
  const auto runs = index_runs(m.index);
  std::vector<int64_t> keys, bed_sizes, bim_sizes;
  std::vector<std::string> bim_text;
  for (const auto& [at, len] : runs) {
    keys.push_back(m.index[static_cast<size_t>(at)]);
    bed_sizes.push_back(len * m.row_bytes());
    std::string text;
    for (int64_t i = at; i < at + len; ++i) {
      const VariantId& v = m.variants[static_cast<size_t>(i)];
      text += v.chrom + '\t' + v.id + "\t0\t" + std::to_string(v.pos) + '\t' + v.alt + '\t' + v.ref + '\n';
    }
    bim_sizes.push_back(static_cast<int64_t>(text.size()));
    bim_text.push_back(std::move(text));
  }
  const auto layouts = layout_pieces(comm, keys, {bed_sizes, bim_sizes});
  const std::string tag = comm.broadcast(".tmp-" + std::to_string(::getpid()));
  const std::string names[3] = {prefix + ".bed", prefix + ".bim", prefix + ".fam"};
  auto remove_tmps = [&] {
    if (comm.is_root())
      for (const auto& n : names) std::remove((n + tag).c_str());
  };
  try {
    write_pieces(comm, names[0] + tag, comm.is_root() ? std::string(reinterpret_cast<const char*>(kMagic), 3) : "",
                 layouts[0],
                 [&](size_t i, int64_t off, int64_t n, char* out) {
                   std::memcpy(out, m.row(runs[i].first) + off, static_cast<size_t>(n));
                 },
                 "");
    write_pieces(comm, names[1] + tag, "", layouts[1],
                 [&](size_t i, int64_t off, int64_t n, char* out) {
                   std::memcpy(out, bim_text[i].data() + off, static_cast<size_t>(n));
                 },
                 "");
    std::string error;
    if (comm.is_root()) {
      std::ofstream fam(names[2] + tag);
      for (const auto& s : m.samples) fam << s.fid << '\t' << s.iid << "\t0\t0\t0\t-9\n";
      if (!fam.flush()) error = "cannot write '" + names[2] + tag + "' (disk full?)";
      for (int k = 0; k < 3 && error.empty(); ++k)
        if (std::rename((names[k] + tag).c_str(), names[k].c_str()) != 0)
          error = "cannot rename '" + names[k] + tag + "' to '" + names[k] + "': " + std::strerror(errno);
    }
    comm.agree_or_throw(error, ErrorKind::Output);
  } catch (...) {
    remove_tmps();
    throw;
  }
}

}  // namespace dvhpc
