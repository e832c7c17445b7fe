#include <array>
#include <memory>

#include "dvhpc/commands.hpp"
#include "dvhpc/example_shards.hpp"
#include "dvhpc/example_store.hpp"
#include "dvhpc/labels.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/make_examples.hpp"
#include "kernels/pileup_builder.hpp"
#include "src/pipeline/shard_pipeline.hpp"

namespace dvhpc {

DVHPC_COMMAND(run_make_examples, "make-examples",
              "build labelled pileup images and count features into an HDF5 example store") {
  const Config& cfg = ctx.cfg;
  const Comm& comm = ctx.comm;
  StageTimes& times = ctx.times;

  // Opened by every rank alike, without collectives: one agreed error line.
  std::unique_ptr<ShardPipeline> pipe;
  std::unique_ptr<TruthSet> truth;
  comm.agree([&] {
    pipe = std::make_unique<ShardPipeline>(ctx);
    if (!cfg.truth.vcf.empty()) {
      ScopedStage st(times, "setup");
      truth = std::make_unique<TruthSet>(cfg.truth.vcf, cfg.truth.bed, pipe->reference());
    }
  });
  ShardPipeline& pipeline = *pipe;
  if (pipeline.samples().size() > 1 && comm.is_root())
    log::warn("make-examples uses the first of {} samples ('{}')", pipeline.samples().size(),
              pipeline.samples()[0].name);

  PileupBuilder builder(cfg.pileup, cfg.candidates.min_base_quality);
  ExampleBuffer buf;
  ExampleShards spilled(comm, cfg.output + ".examples.h5", cfg);
  int64_t outside = 0;
  // Counts per class and variant type (for the log; training wants balance).
  std::vector<double> counts(4 * 4, 0.0);  // (label + 1) x variant type
  int64_t examples = 0;
  pipeline.run("make-examples", [&](ShardWork& w) {
    std::vector<Candidate> sites;
    std::vector<ExampleQuery> queries;
    std::vector<int8_t> labels;
    {
      ScopedStage st(times, "labels");
      for (const auto& q : example_queries(w.candidates[0])) {
        const Candidate& site = w.candidates[0][static_cast<size_t>(q.site)];
        const int8_t label = truth ? truth->label(site, q) : -1;
        if (truth && label < 0) {
          ++outside;
          continue;
        }
        if (sites.empty() || !(sites.back().pos == site.pos && sites.back().contig == site.contig))
          sites.push_back(site);
        ExampleQuery kept = q;
        kept.site = static_cast<int32_t>(sites.size() - 1);
        queries.push_back(kept);
        labels.push_back(label);
      }
    }
    {
      ScopedStage st(times, "examples");
      builder.build(w.batches[0], w.shard.padded, w.seq, sites, queries, buf.images, buf.features, true, nullptr,
                    &w.reads[0]);
      for (size_t i = 0; i < queries.size(); ++i)
        buf.add_meta(sites[static_cast<size_t>(queries[i].site)], queries[i], labels[i]);
    }
    for (size_t i = 0; i < buf.size(); ++i) counts[static_cast<size_t>(buf.labels[i] + 1) * 4 + buf.variant_type[i]] += 1;
    examples += static_cast<int64_t>(buf.size());
    ScopedStage st(times, "spill");
    spilled.spill(w.shard.index, buf);
  });

  for (auto& c : counts) c = static_cast<double>(comm.allreduce_sum(static_cast<int64_t>(c)));
  const int64_t total = comm.allreduce_sum(examples);
  const int64_t total_outside = comm.allreduce_sum(outside);
  {
    ScopedStage st(times, "write");
    spilled.write_store();
  }
  log::info("{} examples -> {}.examples.h5 ({} outside truth.bed dropped)", total, cfg.output, total_outside);
  static const char* cls[] = {"unlabelled", "hom-ref", "het", "hom-alt"};
  static const char* types[] = {"SNP", "insertion", "deletion", "complex"};
  for (int l = 0; l < 4; ++l)
    for (int t = 0; t < 4; ++t)
      if (counts[static_cast<size_t>(l * 4 + t)] > 0)
        log::info("  {:>10} {:>9}: {:.0f}", cls[l], types[t], counts[static_cast<size_t>(l * 4 + t)]);
}

}  // namespace dvhpc
