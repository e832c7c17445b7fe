#include <memory>
#include <numeric>

#include "candidate_records.hpp"
#include "dvhpc/call.hpp"
#include "dvhpc/contigs.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/partition.hpp"
#include "dvhpc/progress.hpp"
#include "dvhpc/reads.hpp"
#include "dvhpc/reference.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "dvhpc/version.hpp"
#include "kernels/allele_counter.hpp"

namespace dvhpc {
namespace {

// One input sample: its loader, contig map and name.
struct Sample {
  std::unique_ptr<ReadLoader> loader;
  ContigMap contigs;
  std::string name;
};

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

  std::unique_ptr<Reference> ref;
  std::vector<Sample> samples;
  {
    ScopedStage st(times, "setup");
    ref = std::make_unique<Reference>(cfg.reference);
    samples = open_samples(cfg, *ref);
  }

  std::vector<Shard> shards;
  std::vector<int64_t> mine;
  {
    ScopedStage st(times, "partition");
    shards = make_shards(target_regions(cfg, *ref), cfg.partition, *ref);
    std::vector<double> weights(shards.size(), 0.0);
    for (const auto& s : samples) {
      auto w = estimate_shard_weights(shards, *s.loader, s.contigs);
      for (size_t i = 0; i < w.size(); ++i) weights[i] += w[i];
    }
    mine = assign_shards(shards, weights, comm.size())[static_cast<size_t>(comm.rank())];
    double my_weight = 0;
    for (int64_t i : mine) my_weight += weights[static_cast<size_t>(i)];
    int64_t bases = 0;
    for (const auto& s : shards) bases += s.region.length();
    log::info("{} shard(s) over {:.2f} Mb for {} sample(s); rank 0 has {} shard(s), estimated {:.0f} reads",
              shards.size(), bases / 1e6, samples.size(), mine.size(), my_weight);
  }

  std::vector<AlleleCounter> counters;
  for (size_t s = 0; s < samples.size(); ++s) counters.emplace_back(cfg.candidates);
  std::vector<std::pair<int64_t, std::string>> vcf_blocks;
  CandidateColumns cols;
  int64_t n_reads = 0, n_candidates = 0;
  Progress progress("call", static_cast<int64_t>(mine.size()), "shards", comm.is_root() && cfg.progress);
  ReadBatch batch;
  for (int64_t idx : mine) {
    const Shard& sh = shards[static_cast<size_t>(idx)];
    std::string seq;
    {
      ScopedStage st(times, "load");
      seq = ref->fetch(sh.padded);
    }
    std::vector<std::vector<Candidate>> per_sample(samples.size());
    for (size_t s = 0; s < samples.size(); ++s) {
      {
        ScopedStage st(times, "load");
        batch.clear();
        samples[s].loader->load(sh.padded, samples[s].contigs, batch);
        n_reads += static_cast<int64_t>(batch.size());
      }
      {
        ScopedStage st(times, "count");
        counters[s].count(batch, sh.padded, seq);
      }
      {
        ScopedStage st(times, "candidates");
        per_sample[s] = counters[s].candidates(sh.region);
      }
    }
    {
      ScopedStage st(times, "candidates");
      std::string block = candidate_vcf_block(per_sample);
      vcf_blocks.emplace_back(sh.index, std::move(block));
      // One HDF5 row per site: the first sample's view (the VCF has them all).
      for (const auto& c : per_sample.empty() ? std::vector<Candidate>{} : per_sample[0]) cols.add(c);
      for (const auto& p : per_sample) n_candidates += static_cast<int64_t>(p.size());
    }
    progress.tick();
  }
  progress.finish();

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
