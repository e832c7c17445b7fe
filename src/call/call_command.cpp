#include <cstdio>
#include <cstdlib>
#include <memory>

#include "call_records.hpp"
#include "candidate_records.hpp"
#include "shard_cache.hpp"
#include "dvhpc/call.hpp"
#include "dvhpc/genotyper.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "dvhpc/build_info.hpp"
#include "dvhpc/version.hpp"
#include "src/pipeline/shard_pipeline.hpp"

namespace dvhpc {
namespace {

void write_results_h5(const RunContext& ctx, const CallColumns& cols, const std::vector<std::string>& samples) {
  H5File f(ctx.comm, ctx.cfg.output + ".h5");
  const int64_t ns = static_cast<int64_t>(samples.size());
  f.create_group("/calls");
  f.write_column("/calls/contig", cols.contig);
  f.write_column("/calls/pos", cols.pos);
  f.write_column("/calls/ref", cols.ref);
  f.write_column("/calls/alt", cols.alt);
  f.write_column("/calls/qual", cols.qual);
  // Variants x samples: alt copies (0 hom-ref, 1 het, 2 hom-alt or two alts).
  f.write_matrix("/genotypes", cols.genotypes, ns);
  f.write_attribute("/genotypes", "samples", [&] {
    std::string j;
    for (const auto& s : samples) j += (j.empty() ? "" : ",") + s;
    return j;
  }());
  f.write_attribute("/genotypes", "encoding", "alt allele copies: 0, 1, 2");
  f.write_array("/probabilities", cols.probabilities, {ns, 3});
  f.write_attribute("/probabilities", "axes", "variant, sample, P(0/1/2 alt copies)");
  f.create_group("/provenance");
  f.write_attribute("/provenance", "config", ctx.cfg.to_yaml());
  f.write_attribute("/provenance", "versions", version_report());
  f.write_attribute("/provenance", "model_rnn", ctx.cfg.model.rnn);
  f.write_attribute("/provenance", "model_cnn", ctx.cfg.model.cnn_gq_threshold > 0 ? ctx.cfg.model.cnn : "(not used)");
  f.write_attribute("/provenance", "command_line", "dvhpc call " + ctx.args.config_path);
  // /timings: rank x stage seconds (this write itself excluded).
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
  std::unique_ptr<Genotyper> genotyper;
  {
    ScopedStage st(times, "setup");
    genotyper = std::make_unique<Genotyper>(cfg, comm.local_rank());
  }
  log::info("genotyping with {} (RNN {}; CNN {} for RNN GQ < {})", genotyper->backend_name(), cfg.model.rnn,
            cfg.model.cnn_gq_threshold > 0 ? cfg.model.cnn : "off", cfg.model.cnn_gq_threshold);

  std::vector<std::pair<int64_t, std::string>> cand_blocks, call_blocks;
  CallColumns cols;
  int64_t n_variants = 0;
  auto keep = [&](int64_t shard, ShardResult& r) {
    cand_blocks.emplace_back(shard, std::move(r.candidate_vcf));
    call_blocks.emplace_back(shard, std::move(r.call_vcf));
    auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(cols.contig, r.cols.contig);
    append(cols.ref, r.cols.ref);
    append(cols.alt, r.cols.alt);
    append(cols.pos, r.cols.pos);
    append(cols.qual, r.cols.qual);
    append(cols.genotypes, r.cols.genotypes);
    append(cols.probabilities, r.cols.probabilities);
    n_variants += r.variants;
  };
  // Same command started again after a crash: finished shards are reused.
  ShardCache cache(comm, cfg.output, cfg.to_yaml() + DVHPC_VERSION_STRING + genotyper->model_digest());
  // Fault injection for the resume test (tests/cli/call_robustness.sh): the
  // rank dies like a killed job after finishing this many shards.
  const char* fail_env = std::getenv("DVHPC_FAULT_AFTER_SHARDS");
  const int64_t fail_after = fail_env ? std::atoll(fail_env) : -1;
  int64_t finished = 0;
  pipeline.run(
      "call",
      [&](ShardWork& w) {
        ShardResult r;
        std::vector<MergedSite> sites;
        {
          ScopedStage st(times, "candidates");
          sites = merge_sites(w.candidates);
          r.candidate_vcf = candidate_vcf_block(sites);
        }
        std::vector<Candidate> union_sites;
        for (const auto& m : sites) union_sites.push_back(m.site);
        // Every sample is genotyped at the union of the samples' candidate sites.
        std::vector<std::vector<GenotypeCall>> calls;
        for (size_t s = 0; s < w.batches.size(); ++s)
          calls.push_back(genotyper->genotype(w.batches[s], w.shard.padded, w.seq, union_sites, times));
        ScopedStage st(times, "postprocess");
        r.variants = add_call_records(sites, calls, r.call_vcf, r.cols);
        cache.store(w.shard.index, r);
        keep(w.shard.index, r);
        if (++finished == fail_after) {
          std::fprintf(stderr, "dvhpc: DVHPC_FAULT_AFTER_SHARDS=%lld: simulating a crash\n",
                       static_cast<long long>(fail_after));
          std::_Exit(9);
        }
      },
      [&](const Shard& sh) {
        ShardResult r;
        if (!cache.load(sh.index, r)) return false;
        keep(sh.index, r);
        return true;
      });

  const auto& stats = genotyper->stats();
  const int64_t total_reads = comm.allreduce_sum(pipeline.reads_loaded());
  const int64_t total_sites = comm.allreduce_sum(stats.sites);
  const int64_t total_cnn = comm.allreduce_sum(stats.cnn_sites);
  const int64_t total_variants = comm.allreduce_sum(n_variants);
  const RealignStats& ra = pipeline.realign_stats();
  const int64_t ra_windows = comm.allreduce_sum(ra.windows), ra_alts = comm.allreduce_sum(ra.with_alts),
                ra_reads = comm.allreduce_sum(ra.reads_realigned);
  {
    ScopedStage st(times, "write");
    std::vector<VcfContig> contigs;
    for (const auto& c : pipeline.reference().contigs()) contigs.push_back({c.name, c.length});
    std::vector<std::string> names;
    for (const auto& s : pipeline.samples()) names.push_back(s.name);
    std::vector<std::string> header = call_vcf_header();
    header.insert(header.begin(), "##source=dvhpc " + std::string(DVHPC_VERSION_STRING));
    write_vcf_collective(comm, cfg.output + ".candidates.vcf.gz", candidate_vcf_header(), contigs, names,
                         cand_blocks);
    write_vcf_collective(comm, cfg.output + ".vcf.gz", header, contigs, names, call_blocks);
    write_results_h5(ctx, cols, names);
  }
  cache.remove_all();
  if (cfg.assembly.enabled)
    log::info("assembly: {} active windows, {} with non-reference haplotypes, {} read alignments changed", ra_windows,
              ra_alts, ra_reads);
  log::info("{} reads, {} candidate sites ({} re-examined by the CNN), {} variant records -> {}.vcf.gz, {}.h5",
            total_reads, total_sites, total_cnn, total_variants, cfg.output, cfg.output);
}

}  // namespace dvhpc
