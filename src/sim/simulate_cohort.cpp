// `dvhpc simulate` with simulate.kind: cohort — the reads of `samples`
// genomes that share variant sites, each sample's genotypes drawn from its
// population's allele frequency under the population model
// (sim/population.hpp); with simulate.trio the last sample is the child of
// the two before it (one allele from each parent at every site).
//
// Sites are planted per span from (seed, span) as for one genome (SNPs and
// indels at simulate.snp_rate / indel_rate), so every rank knows every site
// without communication. Samples are dealt to ranks round robin; a rank
// writes a sample's own variants as a VCF and simulates its reads alone
// (the plain `simulate` on MPI_COMM_SELF). Outputs: PREFIX.SAMPLE.bam
// (+ .bai), PREFIX.SAMPLE.truth.vcf.gz per sample, the multi-sample
// PREFIX.truth.vcf.gz (phased), PREFIX.samples.tsv (FID IID population
// father mother), PREFIX.bed and, without a reference, PREFIX.fa.
#include <array>
#include <cstdio>

#include "dvhpc/log.hpp"
#include "dvhpc/partition.hpp"
#include "dvhpc/reference.hpp"
#include "dvhpc/sim/population.hpp"
#include "dvhpc/sim/random_genome.hpp"
#include "dvhpc/sim/span_simulator.hpp"
#include "dvhpc/sim/variants.hpp"
#include "dvhpc/text_output.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "simulate_steps.hpp"

namespace dvhpc {
namespace {

struct CohortSite {
  sim::SimVariant v;
  std::vector<std::array<int, 2>> gt;  // per sample, allele per haplotype
};

std::vector<CohortSite> cohort_sites(const Reference& ref, const sim::SimSpan& span, const SimulateConfig& sc,
                                     const sim::PopulationModel& model) {
  const std::string seq = ref.fetch(span.span);
  sim::SimRng rng(sim::key(sc.seed, {0x636f68ULL, static_cast<uint64_t>(span.index)}));
  const auto planted = sim::plant_variants(seq, span.span.begin, span.span.begin, span.span.end,
                                           sim::MutationRates{sc.snp_rate, sc.indel_rate, 1.0}, rng);
  const int64_t n = sc.samples;
  std::vector<CohortSite> out;
  for (size_t i = 0; i < planted.size(); ++i) {
    const uint64_t id = (static_cast<uint64_t>(span.index) << 24) + i;
    const std::vector<double> f = model.population_frequencies(static_cast<int64_t>(id));
    sim::SimRng g(sim::key(sc.seed, {0x676eULL, id}));
    CohortSite c;
    c.v = planted[i];
    c.v.alts.resize(1);
    c.gt.resize(static_cast<size_t>(n));
    bool any = false;
    for (int64_t s = 0; s < n; ++s) {
      const double p = f[static_cast<size_t>(model.population_of(s, n))];
      c.gt[static_cast<size_t>(s)] = {g.chance(p) ? 1 : 0, g.chance(p) ? 1 : 0};
    }
    if (sc.trio) {
      const auto& dad = c.gt[static_cast<size_t>(n - 3)];
      const auto& mum = c.gt[static_cast<size_t>(n - 2)];
      c.gt[static_cast<size_t>(n - 1)] = {dad[g.below(2)], mum[g.below(2)]};
    }
    for (const auto& gt : c.gt) any = any || gt[0] || gt[1];
    if (any) out.push_back(std::move(c));
  }
  return out;
}

// Data lines of `sites` for the samples in `which` (all samples when empty:
// every site; one sample: only its non-reference sites).
std::string vcf_lines(const std::string& contig, const std::vector<CohortSite>& sites, const std::vector<size_t>& which) {
  std::string out;
  for (const auto& c : sites) {
    std::string gts;
    bool carried = false;
    for (size_t s : which) {
      const auto& gt = c.gt[s];
      carried = carried || gt[0] || gt[1];
      gts += '\t' + std::to_string(gt[0]) + '|' + std::to_string(gt[1]);
    }
    if (which.size() == 1 && !carried) continue;
    out += contig + '\t' + std::to_string(c.v.pos + 1) + "\t.\t" + c.v.ref + '\t' + c.v.alts[0] + "\t.\tPASS\t.\tGT" +
           gts + '\n';
  }
  return out;
}

}  // namespace

void simulate_cohort(const RunContext& ctx) {
  const Config& cfg = ctx.cfg;
  const Comm& comm = ctx.comm;
  const SimulateConfig& sc = cfg.simulate;
  Config base = cfg;
  if (base.reference.empty()) {
    base.reference = cfg.output + ".fa";
    on_root(comm, [&] { sim::write_random_fasta(base.reference, "sim1", sc.genome_length, sc.seed); });
  }
  const Reference ref(base.reference);
  const std::vector<Region> regions = target_regions(base, ref);
  const std::vector<sim::SimSpan> spans = sim::make_sim_spans(regions, cfg.partition.shard_size);
  const sim::PopulationModel model{sc.populations, sc.fst, sc.spectrum, sc.seed};
  const int64_t n = sc.samples;
  const int width = static_cast<int>(std::to_string(n).size());
  std::vector<std::string> names;
  for (int64_t s = 0; s < n; ++s) {
    std::string id = std::to_string(s + 1);
    names.push_back("S" + std::string(static_cast<size_t>(width) - id.size(), '0') + id);
  }
  std::vector<VcfContig> contigs;
  for (const auto& c : ref.contigs()) contigs.push_back({c.name, c.length});
  std::vector<std::vector<CohortSite>> sites;
  int64_t n_sites = 0;
  {
    ScopedStage st(ctx.times, "variants");
    for (const auto& sp : spans) {
      sites.push_back(cohort_sites(ref, sp, sc, model));
      n_sites += static_cast<int64_t>(sites.back().size());
    }
  }
  log::info("cohort: {} samples in {} population(s){}, {} variant sites over {} span(s)", n, sc.populations,
            sc.trio ? " (the last 3: father, mother, child)" : "", n_sites, spans.size());
  std::vector<size_t> all(static_cast<size_t>(n));
  for (size_t s = 0; s < all.size(); ++s) all[s] = s;
  on_root(comm, [&] {
    VcfWriter w(cfg.output + ".truth.vcf.gz", sim::truth_vcf_header_lines(), contigs, names);
    for (size_t k = 0; k < spans.size(); ++k) w.write_block(vcf_lines(spans[k].span.contig, sites[k], all));
    w.finish();
    write_text_file(cfg.output + ".samples.tsv", [&](std::ostream& out) {
      out << "#FID\tIID\tpopulation\tfather\tmother\n";
      for (int64_t s = 0; s < n; ++s) {
        const bool child = sc.trio && s == n - 1;
        out << names[static_cast<size_t>(s)] << '\t' << names[static_cast<size_t>(s)] << "\tpop"
            << model.population_of(s, n) + 1 << '\t' << (child ? names[static_cast<size_t>(n - 3)] : "0") << '\t'
            << (child ? names[static_cast<size_t>(n - 2)] : "0") << '\n';
      }
    });
  });
  // Each rank simulates its samples alone.
  const Comm self(MPI_COMM_SELF);
  std::string error;
  try {
    for (int64_t s = comm.rank(); s < n; s += comm.size()) {
      const std::string& name = names[static_cast<size_t>(s)];
      Config c = base;
      c.output = cfg.output + "." + name;
      c.sample = name;
      c.progress = false;
      c.simulate.kind = "reads";
      c.simulate.variants_vcf = c.output + ".planted.vcf.gz";
      {
        VcfWriter w(c.simulate.variants_vcf, sim::truth_vcf_header_lines(), contigs, {name});
        for (size_t k = 0; k < spans.size(); ++k)
          w.write_block(vcf_lines(spans[k].span.contig, sites[k], {static_cast<size_t>(s)}));
        w.finish();
      }
      simulate_reads(ctx, self, c);
      std::remove(c.simulate.variants_vcf.c_str());
      std::remove((c.simulate.variants_vcf + ".tbi").c_str());
      if (comm.is_root()) log::info("sample {} ({}/{} on rank 0) done", name, s / comm.size() + 1, (n + comm.size() - 1) / comm.size());
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  comm.agree_or_throw(error, ErrorKind::Output);
  log::info("{} BAMs {}.SAMPLE.bam, truth {}.truth.vcf.gz, samples {}.samples.tsv", n, cfg.output, cfg.output,
            cfg.output);
}

}  // namespace dvhpc
