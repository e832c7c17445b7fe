// `dvhpc call`: the pipeline on every rank.
//
//   setup       reference, reads (one loader per sample), models, contig check
//   partition   target regions -> shards -> contiguous, weight-balanced runs per rank
//               (or drawn at run time: partition.schedule dynamic)
//   per shard:  load -> assemble -> count -> candidates (shard_pipeline.hpp)
//               -> features -> rnn -> images -> cnn (hard sites) -> postprocess
//               -> spill: the shard's records in final form (call_outputs.hpp)
//   write       PREFIX.candidates.vcf.gz, PREFIX.vcf.gz (+ .tbi), PREFIX.h5,
//               assembled in shard order from every rank's pieces
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "dvhpc/commands.hpp"
#include "dvhpc/device_context.hpp"
#include "call_outputs.hpp"
#include "call_records.hpp"
#include "candidate_records.hpp"
#include "genotype_stages.hpp"
#include "gvcf_records.hpp"
#include "shard_cache.hpp"
#include "dvhpc/build_info.hpp"
#include "genotyper.hpp"
#include "dvhpc/log.hpp"
#include "src/pipeline/shard_pipeline.hpp"

namespace dvhpc {

DVHPC_COMMAND(run_call, "call",
              "call variants: partition, count alleles, genotype (RNN + CNN), write VCF + HDF5") {
  const Config& cfg = ctx.cfg;
  const Comm& comm = ctx.comm;
  StageTimes& times = ctx.times;

  // Inputs and models are opened by every rank alike, without collectives:
  // a bad one is agreed on, so the job prints one error line, not one per rank.
  // One device context per rank: kernels and networks share its GPU and stream.
  std::unique_ptr<DeviceContext> device;
  std::unique_ptr<ShardPipeline> pipe;
  std::unique_ptr<Genotyper> genotyper;
  comm.agree([&] {
    {
      ScopedStage st(times, "setup");
      device = std::make_unique<DeviceContext>(cfg.model.device, nn::parse_precision(cfg.model.precision),
                                               comm.local_rank());
    }
    pipe = std::make_unique<ShardPipeline>(ctx, device->exec());
    ScopedStage st(times, "setup");
    genotyper = std::make_unique<Genotyper>(cfg, *device);
  });
  ShardPipeline& pipeline = *pipe;
  log::info("genotyping with {} (RNN {}; CNN {} for RNN GQ < {})", genotyper->backend_name(), genotyper->rnn_path(),
            cfg.model.cnn_gq_threshold > 0 ? genotyper->cnn_path() : "off", cfg.model.cnn_gq_threshold);

  // Same command started again after a crash: finished shards are reused.
  ShardCache cache(comm, cfg.output, cfg.to_yaml() + DVHPC_VERSION_STRING + genotyper->model_digest());
  std::vector<VcfContig> contigs;
  for (const auto& c : pipeline.reference().contigs()) contigs.push_back({c.name, c.length});
  std::vector<std::string> names;
  for (const auto& s : pipeline.samples()) names.push_back(s.name);
  CallOutputs outputs(ctx, contigs, names, cache);
  // Fault injection for the resume test (tests/cli/call_robustness.sh): the
  // rank dies like a killed job after finishing this many shards.
  const char* fail_env = std::getenv("DVHPC_FAULT_AFTER_SHARDS");
  const int64_t fail_after = fail_env ? std::atoll(fail_env) : -1;
  int64_t finished = 0;
  pipeline.run(
      "call",
      [&](ShardWork& w) {
        std::vector<MergedSite> sites;
        std::string candidate_vcf;
        {
          ScopedStage st(times, "candidates");
          sites = merge_sites(w.candidates);
          candidate_vcf = candidate_vcf_block(sites);
        }
        std::vector<Candidate> union_sites;
        for (const auto& m : sites) union_sites.push_back(m.site);
        // Every sample is genotyped at the union of the samples' candidate sites.
        std::vector<std::vector<GenotypeCall>> calls;
        for (size_t s = 0; s < w.batches.size(); ++s) {
          const GenotypeInput in{w.batches[s], w.reads[s], w.shard.padded, w.seq, union_sites};
          calls.push_back(genotype_sample(*genotyper, in, times));
        }
        std::string call_vcf;
        CallColumns cols;
        {
          ScopedStage st(times, "postprocess");
          add_call_records(sites, calls, call_vcf, cols);
        }
        std::vector<std::string> gvcf;
        if (cfg.gvcf) {
          ScopedStage st(times, "gvcf");
          for (size_t s = 0; s < w.batches.size(); ++s)
            gvcf.push_back(gvcf_block(w.shard.region, w.seq, w.counters[s].to_host(), sites, calls[s], s,
                                      cfg.gvcf_gq_band));
        }
        GvcfSpan span{w.shard.region.contig, w.shard.region.begin, -1};
        for (const auto& m : sites)
          span.site_end = std::max(span.site_end, m.site.pos + static_cast<int64_t>(m.site.ref.size()));
        ScopedStage st(times, "spill");
        outputs.spill(w.shard.index, candidate_vcf, call_vcf, cols, gvcf, span);
        if (++finished == fail_after) {
          std::fprintf(stderr, "dvhpc: DVHPC_FAULT_AFTER_SHARDS=%lld: simulating a crash\n",
                       static_cast<long long>(fail_after));
          std::_Exit(9);
        }
      },
      [&](const Shard& sh) { return outputs.restore(sh.index); });

  const auto& stats = genotyper->stats();
  const int64_t total_reads = comm.allreduce_sum(pipeline.reads_loaded());
  const int64_t total_sites = comm.allreduce_sum(stats.sites);
  const int64_t total_cnn = comm.allreduce_sum(stats.cnn_sites);
  const RealignStats& ra = pipeline.realign_stats();
  const int64_t ra_windows = comm.allreduce_sum(ra.windows), ra_alts = comm.allreduce_sum(ra.with_alts),
                ra_reads = comm.allreduce_sum(ra.reads_realigned);
  int64_t total_variants = 0;
  {
    ScopedStage st(times, "write");
    total_variants = outputs.write(pipeline.reference());
  }
  cache.remove_all();
  if (cfg.assembly.enabled)
    log::info("assembly: {} active windows, {} with non-reference haplotypes, {} read alignments changed", ra_windows,
              ra_alts, ra_reads);
  log::info("{} reads, {} candidate sites ({} re-examined by the CNN), {} variant records -> {}.vcf.gz, {}.h5",
            total_reads, total_sites, total_cnn, total_variants, cfg.output, cfg.output);
}

}  // namespace dvhpc
