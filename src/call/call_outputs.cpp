#include "dvhpc/fault_point.hpp"
#include "call_outputs.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <map>

#include "dvhpc/log.hpp"
#include "dvhpc/output_set.hpp"
#include "dvhpc/build_info.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/bgzf_blocks.hpp"
#include "dvhpc/ordered_pieces.hpp"
#include "dvhpc/reference.hpp"
#include "dvhpc/shard_spill.hpp"
#include "dvhpc/timer.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "dvhpc/version.hpp"
#include "gvcf_records.hpp"
#include "shard_cache.hpp"

namespace dvhpc {
namespace {

// Spill sections of one shard.
constexpr const char* kCandidates = "candidates.vcf";
constexpr const char* kCalls = "calls.vcf";
constexpr const char* kGvcfSpan = "gvcf_span";  // int64 {contig index, core begin, site end}
std::string gvcf_section(size_t sample) { return "gvcf." + std::to_string(sample); }

}  // namespace

CallOutputs::CallOutputs(const RunContext& ctx, const std::vector<VcfContig>& contigs,
                         std::vector<std::string> samples, const ShardCache& cache)
    : ctx_(ctx), samples_(std::move(samples)), cache_(cache) {
  if (const int64_t n = OutputSet::remove_stale_temporaries(ctx.comm, ctx.cfg.output))
    log::info("removed {} temporary file(s) of an earlier run of '{}' that stopped while writing", n, ctx.cfg.output);
  for (const auto& c : contigs) {
    contig_ids_.emplace(c.name, static_cast<int64_t>(contig_names_.size()));
    contig_names_.push_back(c.name);
  }
  std::vector<std::string> header = call_vcf_header();
  header.insert(header.begin(), "##source=dvhpc " + std::string(DVHPC_VERSION_STRING));
  candidate_format_ = std::make_unique<VcfFormat>(candidate_vcf_header(), contigs, samples_);
  call_format_ = std::make_unique<VcfFormat>(header, contigs, samples_);
  if (ctx.cfg.gvcf) {
    std::vector<std::string> gh = gvcf_header();
    gh.insert(gh.begin(), "##source=dvhpc " + std::string(DVHPC_VERSION_STRING) + " (gVCF)");
    for (const auto& s : samples_) gvcf_formats_.push_back(std::make_unique<VcfFormat>(gh, contigs, std::vector<std::string>{s}));
  }
}

std::string CallOutputs::gvcf_path(size_t sample) const {
  if (samples_.size() == 1) return ctx_.cfg.output + ".g.vcf.gz";
  return ctx_.cfg.output + "." + samples_[sample] + ".g.vcf.gz";
}

CallOutputs::~CallOutputs() = default;

void CallOutputs::spill(int64_t shard, const std::string& candidate_vcf, const std::string& call_vcf,
                        const CallColumns& cols, const std::vector<std::string>& gvcf, const GvcfSpan& span) {
  const int64_t ns = static_cast<int64_t>(samples_.size());
  SpillWriter w(cache_.path(shard));
  w.add_bytes(kCandidates, candidate_format_->compress_block(candidate_vcf));
  w.add_bytes(kCalls, call_format_->compress_block(call_vcf));
  w.add_strings("contig", cols.contig);
  w.add_rows("pos", cols.pos, 1);
  w.add_strings("ref", cols.ref);
  w.add_strings("alt", cols.alt);
  w.add_rows("qual", cols.qual, 1);
  w.add_rows("genotypes", cols.genotypes, ns);
  w.add_rows("probabilities", cols.probabilities, ns * 3);
  for (size_t k = 0; k < gvcf_formats_.size(); ++k)
    w.add_bytes(gvcf_section(k), gvcf_formats_[k]->compress_block(gvcf.at(k)));
  const std::vector<int64_t> span_row{contig_ids_.at(span.contig), span.begin, span.site_end};
  w.add_rows(kGvcfSpan, span_row, 3);
  w.commit();
  hold(shard, w.sections(), span_row.data());
}

bool CallOutputs::restore(int64_t shard) {
  std::unique_ptr<SpillReader> r;
  try {
    r = std::make_unique<SpillReader>(cache_.path(shard));
  } catch (const Error&) {
    return false;  // none, or damaged: the shard is computed again
  }
  int64_t span[3] = {0, 0, -1};
  try {
    r->read(kGvcfSpan, 0, sizeof span, span);
  } catch (const Error&) {
    return false;  // written by an older version: computed again
  }
  hold(shard, r->sections(), span);
  return true;
}

void CallOutputs::hold(int64_t shard, const std::vector<SpillSection>& sections, const int64_t* span) {
  const std::string path = cache_.path(shard);
  auto section = [&](const char* name) -> const SpillSection& { return find_section(sections, name, path); };
  Held h;
  h.shard = shard;
  h.candidate_bytes = section(kCandidates).bytes;
  h.call_bytes = section(kCalls).bytes;
  h.rows = section("pos").rows;
  h.width_contig = section("contig").row_bytes;
  h.width_ref = section("ref").row_bytes;
  h.width_alt = section("alt").row_bytes;
  if (section("genotypes").row_bytes != static_cast<int64_t>(samples_.size()))
    throw Error(ErrorKind::Input, "shard file '" + path + "' has another number of samples");
  for (size_t k = 0; k < gvcf_formats_.size(); ++k) h.gvcf_bytes.push_back(section(gvcf_section(k).c_str()).bytes);
  h.contig_id = span[0];
  h.begin = span[1];
  h.site_end = span[2];
  held_.push_back(h);
}

void CallOutputs::revise_gvcf_heads(const Reference& ref) {
  // Every shard's span, on every rank (3 numbers and the index per shard).
  std::vector<int64_t> mine;
  for (const auto& h : held_) mine.insert(mine.end(), {h.shard, h.contig_id, h.begin, h.site_end});
  const std::vector<int64_t> all = ctx_.comm.allgatherv(mine);
  std::vector<std::array<int64_t, 4>> spans(all.size() / 4);
  for (size_t i = 0; i < spans.size(); ++i) std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(4 * i), 4, spans[i].begin());
  std::sort(spans.begin(), spans.end());
  // Shards in genome order: how far the earlier shards of the contig reach.
  std::map<int64_t, int64_t> covered;  // shard -> covered_to, where it reaches into the shard
  int64_t contig = -1, reach = -1;
  for (const auto& s : spans) {
    if (s[1] != contig) contig = s[1], reach = -1;
    if (reach > s[2]) covered[s[0]] = reach;
    reach = std::max(reach, s[3]);
  }
  SpillCursor cursor([this](int64_t shard) { return cache_.path(shard); });
  for (auto& h : held_) {
    const auto it = covered.find(h.shard);
    if (it == covered.end()) continue;
    const std::string& name = contig_names_.at(static_cast<size_t>(h.contig_id));
    auto base = [&](int64_t pos) {
      const std::string b = ref.fetch(name, pos, pos + 1);
      return b.size() == 1 && std::strchr("ACGT", b[0]) ? b[0] : 'N';
    };
    h.gvcf_revised.resize(gvcf_formats_.size());
    for (size_t k = 0; k < gvcf_formats_.size(); ++k) {
      std::string piece(static_cast<size_t>(h.gvcf_bytes[k]), '\0');
      cursor.at(h.shard).read(gvcf_section(k), 0, h.gvcf_bytes[k], piece.data());
      h.gvcf_revised[k] = gvcf_formats_[k]->compress_block(gvcf_skip_covered(bgzf_decompress(piece), it->second, base));
      h.gvcf_bytes[k] = static_cast<int64_t>(h.gvcf_revised[k].size());
    }
  }
}

int64_t CallOutputs::write(const Reference& ref) {
  const Comm& comm = ctx_.comm;
  if (!gvcf_formats_.empty()) revise_gvcf_heads(ref);
  std::vector<int64_t> keys, cand, call, rows;
  std::vector<std::vector<int64_t>> gvcf(gvcf_formats_.size());
  for (const auto& h : held_) {
    keys.push_back(h.shard);
    cand.push_back(h.candidate_bytes);
    call.push_back(h.call_bytes);
    rows.push_back(h.rows);
    for (size_t k = 0; k < gvcf.size(); ++k) gvcf[k].push_back(h.gvcf_bytes[k]);
  }
  std::vector<std::vector<int64_t>> sizes{cand, call, rows};
  sizes.insert(sizes.end(), gvcf.begin(), gvcf.end());
  const std::vector<PieceLayout> layout = layout_pieces(comm, keys, sizes);
  // All files or none under their final names: a failure while writing the
  // HDF5 file must not leave the VCFs finished before it looking like a
  // complete run. Space is checked first (VCF bytes are exact; the HDF5
  // estimate is the fixed columns, padded strings and per-sample values).
  OutputSet set(comm);
  int64_t need = layout[0].total + layout[1].total + (int64_t{1} << 20);
  for (size_t k = 0; k < gvcf_formats_.size(); ++k) need += layout[3 + k].total;
  need += layout[2].total * (64 + static_cast<int64_t>(samples_.size()) * 13);
  set.require_space(need, ctx_.cfg.output);
  SpillCursor cursor([this](int64_t shard) { return cache_.path(shard); });
  fault::point(comm, "vcf_write");
  auto bytes_of = [&](const char* section) {
    return [&, section](size_t i, int64_t off, int64_t n, char* out) {
      cursor.at(held_[i].shard).read(section, off, n, out);
    };
  };
  write_vcf_pieces(comm, ctx_.cfg.output + ".candidates.vcf.gz", *candidate_format_, layout[0], bytes_of(kCandidates),
                   &set);
  write_vcf_pieces(comm, ctx_.cfg.output + ".vcf.gz", *call_format_, layout[1], bytes_of(kCalls), &set);
  std::vector<std::string> names(gvcf_formats_.size());
  for (size_t k = 0; k < gvcf_formats_.size(); ++k) {
    names[k] = gvcf_section(k);
    auto from_spill = bytes_of(names[k].c_str());
    write_vcf_pieces(comm, gvcf_path(k), *gvcf_formats_[k], layout[3 + k],
                     [&, k](size_t i, int64_t off, int64_t n, char* out) {
                       const Held& h = held_[i];
                       if (h.gvcf_revised.empty()) return from_spill(i, off, n, out);
                       std::memcpy(out, h.gvcf_revised[k].data() + off, static_cast<size_t>(n));
                     },
                     &set);
  }
  write_h5(layout[2], set);
  set.commit();
  return layout[2].total;
}

void CallOutputs::write_h5(const PieceLayout& rows, OutputSet& set) {
  const Comm& comm = ctx_.comm;
  const Config& cfg = ctx_.cfg;
  const int64_t ns = static_cast<int64_t>(samples_.size());
  SpillCursor cursor([this](int64_t shard) { return cache_.path(shard); });
  H5File f(comm, cfg.output + ".h5");
  auto column = [&](const char* section, hid_t type, std::vector<int64_t> shape, const std::string& name) {
    f.write_ordered(name, type, shape, rows, [&, section](size_t i, int64_t row0, int64_t n, void* out) {
      const SpillReader& r = cursor.at(held_[i].shard);
      const int64_t rb = r.section(section).row_bytes;
      r.read(section, row0 * rb, n * rb, out);
    });
  };
  auto strings = [&](const char* section, int64_t Held::*width, const std::string& name) {
    int64_t local = 1;
    for (const auto& h : held_) local = std::max(local, h.*width);
    f.write_ordered_strings(name, local, rows, [&, section](size_t i, int64_t row0, int64_t n, int64_t w, char* out) {
      cursor.at(held_[i].shard).read_strings(section, row0, n, w, out);
    });
  };
  f.create_group("/calls");
  strings("contig", &Held::width_contig, "/calls/contig");
  column("pos", H5T_NATIVE_INT64, {}, "/calls/pos");
  // Fault injection (tests/cli/call_outputs.sh): this rank fails between two
  // collective writes, while the others wait in the next one.
  if (const char* f = std::getenv("DVHPC_FAULT_IN_H5_WRITE"); f && std::atoi(f) == comm.rank())
    throw Error(ErrorKind::Output, "DVHPC_FAULT_IN_H5_WRITE: injected failure inside the HDF5 write");
  fault::point(comm, "h5_write");
  strings("ref", &Held::width_ref, "/calls/ref");
  strings("alt", &Held::width_alt, "/calls/alt");
  column("qual", H5T_NATIVE_FLOAT, {}, "/calls/qual");
  // Variants x samples, always 2-D: alt copies (0 hom-ref, 1 het, 2 hom-alt or two alts), -1 missing.
  column("genotypes", H5T_NATIVE_INT8, {ns}, "/genotypes");
  f.write_attribute("/genotypes", "encoding", "alt allele copies: 0, 1, 2; -1 missing");
  f.write_attribute("/genotypes", "axes", "variant, sample");
  column("probabilities", H5T_NATIVE_FLOAT, {ns, 3}, "/probabilities");
  f.write_attribute("/probabilities", "axes", "variant, sample, P(0/1/2 alt copies)");
  // Sample names as a dataset (any number of samples), written by rank 0.
  f.write_column("/samples", comm.is_root() ? samples_ : std::vector<std::string>{});
  f.create_group("/provenance");
  f.write_attribute("/provenance", "config", cfg.to_yaml());
  f.write_attribute("/provenance", "versions", version_report());
  f.write_attribute("/provenance", "model_rnn", cfg.model.rnn);
  f.write_attribute("/provenance", "model_cnn", cfg.model.cnn_gq_threshold > 0 ? cfg.model.cnn : "(not used)");
  f.write_attribute("/provenance", "command_line", "dvhpc call " + ctx_.args.config_path);
  // /timings: ranks x stages over the stage list all ranks agree on (a
  // rank without a stage has 0 there); this write itself is not included.
  const std::vector<StageReportRow> report = gather_stage_report(comm, ctx_.times);
  std::vector<double> row;
  std::string names;
  for (const auto& r : report) {
    row.push_back(r.per_rank[static_cast<size_t>(comm.rank())]);
    names += (names.empty() ? "" : ",") + r.stage;
  }
  f.write_array("/timings", row, {static_cast<int64_t>(report.size())});
  f.write_attribute("/timings", "stages", names);
  f.write_attribute("/timings", "axes", "rank, stage");
  f.commit(&set);
}

}  // namespace dvhpc
