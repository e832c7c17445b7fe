#include <memory>
#include <numeric>

#include "candidate_records.hpp"
#include "dvhpc/call.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "dvhpc/version.hpp"
#include "src/pipeline/shard_pipeline.hpp"

namespace dvhpc {
namespace {

// Candidate columns for PREFIX.h5 (one row per site of this rank).
struct CandidateColumns {
  std::vector<std::string> contig, ref, alts;
  std::vector<int64_t> pos;
  std::vector<int32_t> depth, n_alts;
  void add(const Candidate& c) {
    contig.push_back(c.contig);
    pos.push_back(c.pos + 1);  // 1-based, as in the VCF
    ref.push_back(c.ref);
    std::string a;
    for (const auto& x : c.alts) a += (a.empty() ? "" : ",") + x;
    alts.push_back(a);
    depth.push_back(c.total);
    n_alts.push_back(static_cast<int32_t>(c.alts.size()));
  }
};

void write_results_h5(const RunContext& ctx, const CandidateColumns& cols) {
  H5File f(ctx.comm, ctx.cfg.output + ".h5");
  f.create_group("/candidates");
  f.write_column("/candidates/contig", cols.contig);
  f.write_column("/candidates/pos", cols.pos);
  f.write_column("/candidates/ref", cols.ref);
  f.write_column("/candidates/alts", cols.alts);
  f.write_column("/candidates/depth", cols.depth);
  f.write_column("/candidates/n_alts", cols.n_alts);
  f.create_group("/provenance");
  f.write_attribute("/provenance", "config", ctx.cfg.to_yaml());
  f.write_attribute("/provenance", "versions", version_report());
  f.write_attribute("/provenance", "command_line", "dvhpc call " + ctx.args.config_path);
  // /timings: rank x stage seconds so far (this stage itself excluded).
  std::vector<std::string> names;
  for (const auto& s : ctx.times.stages()) names.push_back(s.first);
  std::vector<double> row;
  for (const auto& n : names) row.push_back(ctx.times.get(n));
  f.write_matrix("/timings", row, static_cast<int64_t>(names.size()));
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ",") + n;
  f.write_attribute("/timings", "stages", joined);
  f.commit();
}

}  // namespace

void run_call(const RunContext& ctx) {
  const Config& cfg = ctx.cfg;
  const Comm& comm = ctx.comm;
  StageTimes& times = ctx.times;

  ShardPipeline pipeline(ctx);
  std::vector<std::pair<int64_t, std::string>> vcf_blocks;
  CandidateColumns cols;
  pipeline.run("call", [&](ShardWork& w) {
    ScopedStage st(times, "candidates");
    std::string block = candidate_vcf_block(w.candidates);
    vcf_blocks.emplace_back(w.shard.index, std::move(block));
    // One HDF5 row per site: the first sample's view (the VCF has them all).
    if (!w.candidates.empty())
      for (const auto& c : w.candidates[0]) cols.add(c);
  });
  const Reference* ref = &pipeline.reference();
  const auto& samples = pipeline.samples();
  const int64_t n_reads = pipeline.reads_loaded(), n_candidates = pipeline.candidate_sites();

  int64_t total_reads = comm.allreduce_sum(n_reads);
  int64_t total_candidates = comm.allreduce_sum(n_candidates);
  {
    ScopedStage st(times, "write");
    std::vector<VcfContig> contigs;
    for (const auto& c : ref->contigs()) contigs.push_back({c.name, c.length});
    std::vector<std::string> names;
    for (const auto& s : samples) names.push_back(s.name);
    write_vcf_collective(comm, cfg.output + ".candidates.vcf.gz", candidate_vcf_header(), contigs, names,
                         vcf_blocks);
    write_results_h5(ctx, cols);
  }
  log::info("{} reads, {} candidate sites -> {}.candidates.vcf.gz, {}.h5", total_reads, total_candidates,
            cfg.output, cfg.output);
  if (comm.is_root())
    log::warn("genotyping skipped: this build has no trained RNN/CNN models yet, so 'call' stops after "
            "the candidate stage (candidates are sites to genotype, not variant calls)");
}

}  // namespace dvhpc
