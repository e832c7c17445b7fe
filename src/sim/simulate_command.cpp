// `dvhpc simulate`: a diploid genome with planted SNPs and indels, paired
// reads with Illumina-like errors written straight to a sorted, indexed BAM
// (no aligner: alignments are known from the haplotype map), the truth VCF
// and a BED of the simulated regions.
//
// Outputs: PREFIX.bam(.bai), PREFIX.truth.vcf.gz(.tbi), PREFIX.bed and, when
// no reference is given, the random reference PREFIX.fa(.fai).
// With simulate.kind: genotypes or cohort, see simulate_steps.hpp.
#include <Kokkos_Core.hpp>
#include <unistd.h>

#include <cstdio>

#include "dvhpc/commands.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/partition.hpp"
#include "dvhpc/progress.hpp"
#include "dvhpc/reference.hpp"
#include "dvhpc/sim/bam_writer.hpp"
#include "dvhpc/sim/long_reads.hpp"
#include "dvhpc/sim/random_genome.hpp"
#include "dvhpc/sim/span_simulator.hpp"
#include "dvhpc/text_output.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "simulate_steps.hpp"

namespace dvhpc {
void simulate_reads(const RunContext& ctx, const Comm& comm, const Config& cfg) {
  StageTimes& times = ctx.times;
  const int threads = Kokkos::DefaultHostExecutionSpace().concurrency();
  const std::string sample = cfg.sample.empty() ? "SIM" : cfg.sample;

  Config local = cfg;  // the reference path may be the generated one
  std::unique_ptr<Reference> ref;
  std::unique_ptr<sim::VcfVariantSource> vcf;
  std::vector<Region> regions;
  {
    ScopedStage st(times, "setup");
    if (cfg.reference.empty() && !cfg.simulate.variants_vcf.empty())
      throw Error(ErrorKind::Config, "config key 'simulate.variants_vcf' needs 'reference:' (the VCF's "
                                     "positions refer to a reference; without one the genome is random)");
    if (local.reference.empty()) {
      local.reference = cfg.output + ".fa";
      on_root(comm, [&] { sim::write_random_fasta(local.reference, "sim1", cfg.simulate.genome_length, cfg.simulate.seed); });
      log::info("random reference {} ({} bp, contig sim1)", local.reference, cfg.simulate.genome_length);
    }
    ref = std::make_unique<Reference>(local.reference);
    regions = target_regions(local, *ref);
    if (!cfg.simulate.variants_vcf.empty())
      vcf = std::make_unique<sim::VcfVariantSource>(cfg.simulate.variants_vcf, cfg.simulate.het_fraction,
                                                    cfg.simulate.seed);
  }

  std::vector<sim::SimSpan> spans = sim::make_sim_spans(regions, cfg.partition.shard_size);
  std::vector<double> weights;
  int64_t total_bases = 0;
  for (const auto& s : spans) {
    weights.push_back(static_cast<double>(s.span.length()));
    total_bases += s.span.length();
  }
  std::vector<Shard> as_shards;
  for (const auto& s : spans) as_shards.push_back(Shard{s.index, s.span, s.span});
  const std::vector<int64_t> mine = assign_shards(as_shards, weights, comm.size())[static_cast<size_t>(comm.rank())];
  std::string platform = "ILLUMINA", reads_kind = std::to_string(cfg.simulate.read_length) + " bp pairs";
  if (cfg.simulate.read_model != "illumina") {
    const auto p = sim::LongReadProfile::make(cfg.simulate.read_model, cfg.simulate.long_read_length,
                                              cfg.simulate.long_read_error_rate);
    platform = p.platform;
    reads_kind = cfg.simulate.read_model + " reads (median " + std::to_string(static_cast<int64_t>(p.median_length)) +
                 " bp, " + std::to_string(p.nominal_error_rate()) + " errors per base)";
  }
  log::info("{} span(s) over {:.2f} Mb, {}x of {}; rank 0 has {} span(s)", spans.size(), total_bases / 1e6,
            cfg.simulate.coverage, reads_kind, mine.size());

  // Temporary names share rank 0's pid so rank 0 can find every part.
  const std::string tag = comm.broadcast(std::to_string(::getpid()), 0);
  auto part_name = [&](int r) { return cfg.output + ".bam.tmp-" + tag + ".part" + std::to_string(r); };

  std::vector<sim::BamContig> bam_contigs;
  for (const auto& c : ref->contigs()) bam_contigs.push_back({c.name, c.length});
  sim::SpanSimulator simulator(*ref, regions, spans, cfg.simulate, vcf.get(), sample, threads);
  std::vector<std::pair<int64_t, std::string>> vcf_blocks;
  int64_t n_records = 0, n_variants = 0, n_dropped = 0;
  std::string error;
  try {
    // Level 1: random base qualities dominate the size, so level 4 saves
    // about 1% of the bytes (3 Mb at 30x, 1 thread: 70.0 vs 69.2 MB) at 1.4x the time.
    sim::BamPartWriter part(part_name(comm.rank()), threads, 1,
                            comm.is_root() ? sim::bam_header_text(bam_contigs, sample, "dvhpc simulate " + ctx.args.config_path, platform) : "");
    Progress progress("simulate", static_cast<int64_t>(mine.size()), "spans", comm.is_root() && cfg.progress);
    for (int64_t idx : mine) {
      {
        ScopedStage st(times, "variants");
        const auto& v = simulator.variants(idx);
        n_variants += static_cast<int64_t>(v.size());
        vcf_blocks.emplace_back(idx, sim::truth_vcf_text(spans[static_cast<size_t>(idx)].span.contig, v));
      }
      ScopedStage st(times, "reads");
      sim::SpanStats s = simulator.simulate(idx, [&](const bam1_t* b) { part.write(b); });
      n_records += s.records;
      n_dropped += s.fragments_dropped;
      progress.tick();
    }
    ScopedStage st(times, "reads");
    part.close();
    progress.finish();
  } catch (const std::exception& e) {
    error = e.what();
  }
  // A failure on any rank stops all of them before rank 0 assembles.
  std::vector<std::string> errors = comm.gather(error, 0);
  std::string first_error;
  for (const auto& e : errors)
    if (first_error.empty() && !e.empty()) first_error = e;
  first_error = comm.broadcast(first_error, 0);
  if (!first_error.empty()) {
    std::remove(part_name(comm.rank()).c_str());
    throw Error(ErrorKind::Output, first_error);
  }

  {
    ScopedStage st(times, "write");
    std::vector<VcfContig> contigs;
    for (const auto& c : ref->contigs()) contigs.push_back({c.name, c.length});
    write_vcf_collective(comm, cfg.output + ".truth.vcf.gz", sim::truth_vcf_header_lines(), contigs, {sample},
                         vcf_blocks);
    on_root(comm, [&] {
      std::vector<std::string> parts;
      for (int r = 1; r < comm.size(); ++r) parts.push_back(part_name(r));
      sim::assemble_bam(cfg.output + ".bam", part_name(0), parts, threads);
      write_text_file(cfg.output + ".bed", [&](std::ostream& out) {
        for (const auto& r : regions) out << r.contig << '\t' << r.begin << '\t' << r.end << '\n';
      });
    });
  }
  n_records = comm.allreduce_sum(n_records);
  n_variants = comm.allreduce_sum(n_variants);
  n_dropped = comm.allreduce_sum(n_dropped);
  log::info("{} reads, {} variants -> {}.bam, {}.truth.vcf.gz, {}.bed ({} fragments dropped at region ends or "
            "inserted read ends)",
            n_records, n_variants, cfg.output, cfg.output, cfg.output, n_dropped);
  if (vcf && comm.is_root() && vcf->dropped() > 0)
    log::warn("{} record(s) of {} were not usable (symbolic/non-ACGT alleles, or no ALT in the genotype)",
              vcf->dropped(), cfg.simulate.variants_vcf);
}

DVHPC_COMMAND(run_simulate, "simulate",
              "simulate a genome and its reads (BAM + truth), a cohort of them, or a population genotype matrix") {
  if (ctx.cfg.simulate.kind == "genotypes") return simulate_genotypes(ctx);
  if (ctx.cfg.simulate.kind == "cohort") return simulate_cohort(ctx);
  simulate_reads(ctx, ctx.comm, ctx.cfg);
}

}  // namespace dvhpc
