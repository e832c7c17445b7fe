#include "dvhpc/fault_point.hpp"
#include "shard_pipeline.hpp"

#include <unistd.h>

#include <cstdio>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "dvhpc/local_realigner.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/progress.hpp"
#include "dvhpc/work_queue.hpp"

namespace dvhpc {
namespace {

// This process's resident set in bytes (-1 where /proc is not there).
int64_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  long size = 0, resident = -1;
  const int n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  return n == 2 ? static_cast<int64_t>(resident) * ::sysconf(_SC_PAGESIZE) : -1;
}

// Hands the heap's free pages back to the system when a rank's resident
// memory between shards has crept up. A shard's buffers (reads, counts,
// images) have sizes of their own, so glibc's heap fragments and keeps freed
// pages resident: RSS rose by ~90 MB over 50 one-Mb shards with a flat heap
// peak (heaptrack). malloc_trim releases them, but trimming after every
// shard cost ~5% of the time in page faults, so it runs only when the RSS
// left after a shard is 32 MB above what the last trim left (`after_trim`,
// -1 before the first shard).
void release_free_memory(int64_t& after_trim) {
#if defined(__GLIBC__)
  const int64_t rss = resident_bytes();
  if (rss < 0) return;
  if (after_trim < 0 || rss > after_trim + (int64_t{32} << 20)) {
    if (after_trim >= 0) malloc_trim(0);
    after_trim = resident_bytes();
  }
#else
  (void)after_trim;
#endif
}

std::vector<Sample> open_samples(const Config& cfg, const Reference& ref) {
  std::vector<Sample> samples;
  for (const auto& path : cfg.reads) {
    Sample s;
    s.loader = std::make_unique<ReadLoader>(path, cfg.filters, cfg.reference);
    s.contigs = match_contigs(s.loader->contigs(), ref.contigs(), cfg.contig_aliases,
                              cfg.auto_chr_prefix, path, cfg.reference);
    // With several BAMs, `sample:` cannot name them all; each uses its @RG.
    s.name = s.loader->sample_name(cfg.reads.size() == 1 ? cfg.sample : "");
    for (const auto& other : samples)
      if (other.name == s.name)
        throw Error(ErrorKind::Input, "reads '" + path + "' and '" + other.loader->path() +
                                          "' have the same sample name '" + s.name +
                                          "'; several BAMs of one sample should be merged first");
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace

ShardPipeline::ShardPipeline(const RunContext& ctx, const kernels::ExecSpace& exec) : ctx_(ctx), exec_(exec) {
  const Config& cfg = ctx.cfg;
  {
    ScopedStage st(ctx.times, "setup");
    ref_ = std::make_unique<Reference>(cfg.reference);
    samples_ = open_samples(cfg, *ref_);
  }
  ScopedStage st(ctx.times, "partition");
  shards_ = make_shards(target_regions(cfg, *ref_), cfg.partition, *ref_);
  fault::point(ctx.comm, "partition");
  std::vector<double> weights(shards_.size(), 0.0);
  for (const auto& s : samples_) {
    auto w = estimate_shard_weights(shards_, *s.loader, s.contigs);
    for (size_t i = 0; i < w.size(); ++i) weights[i] += w[i];
  }
  mine_ = assign_shards(shards_, weights, ctx.comm.size())[static_cast<size_t>(ctx.comm.rank())];
  double my_weight = 0;
  for (int64_t i : mine_) my_weight += weights[static_cast<size_t>(i)];
  int64_t bases = 0;
  for (const auto& s : shards_) bases += s.region.length();
  if (cfg.partition.schedule == "dynamic")
    log::info("{} shard(s) over {:.2f} Mb for {} sample(s), drawn dynamically by {} rank(s)", shards_.size(),
              bases / 1e6, samples_.size(), ctx.comm.size());
  else
    log::info("{} shard(s) over {:.2f} Mb for {} sample(s); rank 0 has {} shard(s), estimated {:.0f} reads",
              shards_.size(), bases / 1e6, samples_.size(), mine_.size(), my_weight);
}

void ShardPipeline::run(const std::string& progress_name, const std::function<void(ShardWork&)>& on_shard,
                        const std::function<bool(const Shard&)>& already_done) {
  const Config& cfg = ctx_.cfg;
  StageTimes& times = ctx_.times;
  std::vector<AlleleCounter> counters;
  std::vector<kernels::DeviceReads> reads;
  for (size_t s = 0; s < samples_.size(); ++s) {
    counters.emplace_back(cfg.candidates, exec_);
    reads.emplace_back(exec_);
  }
  std::vector<ReadBatch> batches(samples_.size());
  const bool dynamic = cfg.partition.schedule == "dynamic";
  // Dynamic: progress counts all ranks' shards, as seen from rank 0's draws.
  Progress progress(progress_name, static_cast<int64_t>(dynamic ? shards_.size() : mine_.size()), "shards",
                    ctx_.comm.is_root() && cfg.progress);
  int64_t rss_after_trim = -1;
  auto process = [&](int64_t idx) {
    fault::point(ctx_.comm, "shard");
    const Shard& sh = shards_[static_cast<size_t>(idx)];
    if (already_done && already_done(sh)) return;
    std::string seq;
    {
      ScopedStage st(times, "load");
      seq = ref_->fetch(sh.padded);
    }
    std::vector<std::vector<Candidate>> per_sample(samples_.size());
    for (size_t s = 0; s < samples_.size(); ++s) {
      {
        ScopedStage st(times, "load");
        batches[s].clear();
        samples_[s].loader->load(sh.padded, samples_[s].contigs, batches[s]);
        n_reads_ += static_cast<int64_t>(batches[s].size());
      }
      std::vector<IndelAllele> assembled;
      if (cfg.assembly.enabled) {
        ScopedStage st(times, "assemble");
        realign_ += realign_reads(batches[s], seq, sh.padded.begin, cfg.assembly, cfg.candidates.min_base_quality,
                                  &assembled);
      }
      {
        ScopedStage st(times, "count");
        reads[s].upload(batches[s]);  // once per shard: counting, features and images all read it
        counters[s].count(reads[s], batches[s], sh.padded, seq);
      }
      {
        ScopedStage st(times, "candidates");
        per_sample[s] = counters[s].candidates(sh.region, assembled);
        n_candidates_ += static_cast<int64_t>(per_sample[s].size());
      }
    }
    ShardWork work{sh, seq, batches, reads, per_sample, counters};
    on_shard(work);
    release_free_memory(rss_after_trim);
  };
  if (dynamic) {
    WorkQueue queue(ctx_.comm);
    const int64_t n = static_cast<int64_t>(shards_.size());
    for (int64_t idx = queue.next(); idx < n; idx = queue.next()) {
      fault::point(ctx_.comm, "queue");
      process(idx);
      progress.tick(std::max<int64_t>(0, idx + 1 - progress.done()));
    }
  } else {
    for (int64_t idx : mine_) {
      process(idx);
      progress.tick();
    }
  }
  progress.finish();
}

}  // namespace dvhpc
