// `dvhpc joint`: per-sample gVCFs of one reference -> PREFIX.vcf.gz (+ .tbi),
// PREFIX.h5 (the genotype-matrix layout of `call`) and, with joint.plink,
// PREFIX.bed/.bim/.fam.
//
// The genome (the contigs of the gVCF headers) is cut into regions of
// joint.shard_size bases; each rank takes a contiguous run of them and, per
// region, fetches every sample's records through its tabix index, genotypes
// the sites jointly (joint_genotyper.hpp) and formats its records and
// matrix rows there. Only the regions' sizes are exchanged; the outputs are
// assembled in genome order by MPI-IO and parallel HDF5 (ordered_pieces.hpp).
// A region's compressed VCF piece is spilled to PREFIX.joint-<rank>.spill as
// soon as it is made, so memory per rank is one region of records per sample
// plus this rank's rows of the 2-bit genotype matrix (variants x samples / 4
// bytes over all ranks), not the VCF text.
#include <cstdio>
#include <cstring>
#include <fstream>

#include "dvhpc/build_info.hpp"
#include "dvhpc/commands.hpp"
#include "dvhpc/genotype_io.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/progress.hpp"
#include "dvhpc/shard_spill.hpp"
#include "dvhpc/vcf_format.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "dvhpc/version.hpp"
#include "joint_genotyper.hpp"

namespace dvhpc {
namespace {

bool ends_with(const std::string& s, const std::string& x) {
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

// joint.gvcfs: the paths, or the lines of the one file given.
std::vector<std::string> gvcf_paths(const std::vector<std::string>& keys) {
  if (keys.size() != 1) return keys;
  for (const char* ext : {".vcf", ".vcf.gz", ".vcf.bgz", ".bcf"})
    if (ends_with(keys[0], ext)) return keys;
  std::ifstream in(keys[0]);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  if (out.empty()) throw Error::on_all_ranks(ErrorKind::Input, "'" + keys[0] + "' lists no gVCF");
  return out;
}

}  // namespace

DVHPC_COMMAND(run_joint, "joint", "joint genotyping: per-sample gVCFs -> cohort VCF + genotype matrix (+ PLINK)") {
  const Config& cfg = ctx.cfg;
  const Comm& comm = ctx.comm;
  std::vector<std::unique_ptr<GvcfReader>> readers;
  std::vector<std::pair<std::string, int64_t>> contigs;
  std::vector<std::string> names;
  {
    ScopedStage st(ctx.times, "setup");
    std::string error;
    try {
      for (const auto& p : gvcf_paths(cfg.joint.gvcfs)) {
        readers.push_back(std::make_unique<GvcfReader>(p));
        names.push_back(readers.back()->sample());
        for (size_t i = 0; i + 1 < names.size(); ++i)
          if (names[i] == names.back())
            throw Error(ErrorKind::Input, "'" + readers[i]->path() + "' and '" + p + "' are both of sample '" +
                                              names.back() + "': list each sample once (or rename one: bcftools "
                                              "reheader -s)");
        const auto c = readers.back()->contigs();
        if (readers.size() == 1)
          contigs = c;
        else if (c != contigs)
          throw Error(ErrorKind::Input, "'" + p + "' has other contigs than '" + readers[0]->path() +
                                            "': gVCFs of one reference are needed");
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    comm.agree_or_throw(error, ErrorKind::Input);
  }
  std::vector<Region> regions;
  for (const auto& [name, len] : contigs)
    for (int64_t b = 0; b < len; b += cfg.joint.shard_size)
      regions.push_back(Region{name, b, std::min(len, b + cfg.joint.shard_size)});
  const int64_t nr = static_cast<int64_t>(regions.size());
  const int64_t first = nr * comm.rank() / comm.size(), last = nr * (comm.rank() + 1) / comm.size();
  log::info("{} samples, {} regions of {} bases over {} contigs; rank 0 has {}", names.size(), nr,
            cfg.joint.shard_size, contigs.size(), last - first);

  std::vector<VcfContig> vcf_contigs;
  for (const auto& [name, len] : contigs) vcf_contigs.push_back({name, len});
  std::vector<std::string> header = joint_vcf_header();
  header.insert(header.begin(), "##source=dvhpc " + std::string(DVHPC_VERSION_STRING) + " joint");
  VcfFormat format(header, vcf_contigs, names);
  std::vector<int64_t> keys, vcf_sizes, row_counts;
  const std::string spill_path = cfg.output + ".joint-" + std::to_string(comm.rank()) + ".spill";
  std::unique_ptr<SpillReader> spilled;
  // The spill goes however this command ends (its .tmp goes with the writer).
  struct RemoveAtExit {
    std::string path;
    ~RemoveAtExit() { std::remove(path.c_str()); }
  } remove_spill{spill_path};
  GenotypeMatrix m;
  for (const auto& n : names) m.samples.push_back({n, n});
  std::string error;
  try {
    SpillWriter spill(spill_path);
    Progress progress("joint", last - first, "regions", comm.is_root() && cfg.progress);
    for (int64_t k = first; k < last; ++k) {
      std::vector<SampleRecords> records;
      {
        ScopedStage st(ctx.times, "fetch");
        for (auto& r : readers) records.push_back(r->fetch(regions[static_cast<size_t>(k)]));
      }
      ScopedStage st(ctx.times, "genotype");
      std::string text;
      int64_t rows = 0;
      joint_genotype(regions[static_cast<size_t>(k)], records, [&](const JointSite& s) {
        text += joint_vcf_record(s);
        std::string alts;
        for (const auto& a : s.alts) alts += (alts.empty() ? "" : ",") + a;
        VariantId v{s.contig, s.pos + 1, ".", alts, s.ref};
        v.id = synthetic_variant_id(v);
        // The global row index is known only after the layout below.
        uint8_t* row = m.add_variant(-1, std::move(v));
        for (size_t j = 0; j < names.size(); ++j)
          set_code(row, static_cast<int64_t>(j), s.a1[j] < 0 ? gcode::kMissing : code_of((s.a1[j] > 0) + (s.a2[j] > 0)));
        ++rows;
      });
      keys.push_back(k);
      const std::string piece = format.compress_block(text);
      spill.add_bytes(std::to_string(k), piece);
      vcf_sizes.push_back(static_cast<int64_t>(piece.size()));
      row_counts.push_back(rows);
      progress.tick();
    }
    progress.finish();
    spill.commit();
    spilled = std::make_unique<SpillReader>(spill_path);
  } catch (const std::exception& e) {
    error = e.what();
  }
  comm.agree_or_throw(error, ErrorKind::Input);

  ScopedStage st(ctx.times, "write");
  const auto layouts = layout_pieces(comm, keys, {vcf_sizes, row_counts});
  write_vcf_pieces(comm, cfg.output + ".vcf.gz", format, layouts[0], [&](size_t i, int64_t off, int64_t n, char* out) {
    spilled->read(std::to_string(keys[i]), off, n, out);
  });
  spilled.reset();
  // The genotype matrix: global row = the region's offset + row in region.
  m.total_variants = layouts[1].total;
  for (size_t i = 0, at = 0; i < row_counts.size(); ++i)
    for (int64_t r = 0; r < row_counts[i]; ++r) m.index[at++] = layouts[1].offsets[i] + r;
  {
    H5File f(comm, cfg.output + ".h5");
    write_genotype_h5(comm, f, m);
    f.create_group("/provenance");
    f.write_attribute("/provenance", "config", cfg.to_yaml());
    f.write_attribute("/provenance", "versions", version_report());
    f.write_attribute("/provenance", "command_line", "dvhpc joint " + ctx.args.config_path);
    f.commit();
  }
  if (cfg.joint.plink) write_plink(comm, cfg.output, m);
  log::info("{} samples, {} variant sites -> {}.vcf.gz, {}.h5{}", names.size(), m.total_variants, cfg.output,
            cfg.output, cfg.joint.plink ? ", " + cfg.output + ".bed/.bim/.fam" : "");
}

}  // namespace dvhpc
