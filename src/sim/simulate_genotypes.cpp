#include "simulate_steps.hpp"

#include <Kokkos_Core.hpp>

#include "dvhpc/genotype_io.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/progress.hpp"
#include "dvhpc/sim/population.hpp"
#include "dvhpc/sim/rng.hpp"
#include "dvhpc/text_output.hpp"

namespace dvhpc {
namespace {

const char* kBases[4] = {"A", "C", "G", "T"};

}  // namespace

void simulate_genotypes(const RunContext& ctx) {
  const SimulateConfig& sc = ctx.cfg.simulate;
  const Comm& comm = ctx.comm;
  sim::PopulationModel model{sc.populations, sc.fst, sc.spectrum, sc.seed};
  GenotypeMatrix m;
  {
    ScopedStage st(ctx.times, "genotypes");
    const int width = static_cast<int>(std::to_string(sc.samples).size());
    for (int64_t s = 0; s < sc.samples; ++s) {
      std::string id = std::to_string(s + 1);
      id = "S" + std::string(static_cast<size_t>(width) - id.size(), '0') + id;
      m.samples.push_back({id, id});
    }
    m.total_variants = sc.variants;
    const int64_t first = sc.variants * comm.rank() / comm.size(), last = sc.variants * (comm.rank() + 1) / comm.size();
    const int64_t n = last - first, rb = m.row_bytes();
    m.index.resize(static_cast<size_t>(n));
    m.variants.resize(static_cast<size_t>(n));
    m.packed.assign(static_cast<size_t>(n * rb), 0);
    log::info("{} variants x {} samples in {} population(s), F = {}, {} spectrum; rank 0 makes {} variants",
              sc.variants, sc.samples, sc.populations, sc.fst, sc.spectrum, n);
    Progress progress("simulate", n, "variants", comm.is_root() && ctx.cfg.progress);
    constexpr int64_t kBlock = 4096;
    for (int64_t b0 = 0; b0 < n; b0 += kBlock) {
      const int64_t nb = std::min(kBlock, n - b0);
      Kokkos::parallel_for(
          "dvhpc::simulate_genotypes", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(b0, b0 + nb),
          [&](int64_t i) {
            const int64_t v = first + i;
            std::vector<int8_t> g(static_cast<size_t>(sc.samples));
            model.genotypes(v, sc.samples, sc.missing_rate, g.data());
            uint8_t* row = m.packed.data() + i * rb;
            for (int64_t s = 0; s < sc.samples; ++s) set_code(row, s, code_of(g[static_cast<size_t>(s)]));
            sim::SimRng rng(sim::key(sc.seed, {0x616c6c, static_cast<uint64_t>(v)}));
            const uint64_t ref = rng.below(4), alt = (ref + 1 + rng.below(3)) % 4;
            VariantId& id = m.variants[static_cast<size_t>(i)];
            id.chrom = "1";
            id.pos = 100 * (v + 1);
            id.id = "snp" + std::to_string(v + 1);
            id.ref = kBases[ref];
            id.alt = kBases[alt];
            m.index[static_cast<size_t>(i)] = v;
          });
      Kokkos::fence();
      progress.tick(nb);
    }
    progress.finish();
  }
  ScopedStage st(ctx.times, "write");
  const std::string& out = ctx.cfg.output;
  for (const auto& f : sc.genotype_formats) {
    if (f == "plink") {
      write_plink(comm, out, m);
      log::info("wrote {}.bed/.bim/.fam", out);
    } else if (f == "h5") {
      H5File h5(comm, out + ".h5");
      write_genotype_h5(comm, h5, m);
      h5.create_group("/provenance");
      h5.write_attribute("/provenance", "config", ctx.cfg.to_yaml());
      h5.write_attribute("/provenance", "command_line", "dvhpc simulate " + ctx.args.config_path);
      h5.commit();
      log::info("wrote {}.h5", out);
    }
  }
  write_text_on_root(comm, out + ".pop.tsv", [&](std::ostream& os) {
    os << "#FID\tIID\tpopulation\n";
    for (int64_t s = 0; s < m.n_samples(); ++s)
      os << m.samples[static_cast<size_t>(s)].fid << '\t' << m.samples[static_cast<size_t>(s)].iid << "\tpop"
         << model.population_of(s, m.n_samples()) + 1 << '\n';
  });
  log::info("wrote {}.pop.tsv (FID IID population)", out);
}

}  // namespace dvhpc
