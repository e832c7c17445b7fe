// `dvhpc pca`: principal components of a genotype matrix (PLINK 1, the HDF5
// layout of `call`, or VCF/BCF), each rank holding a block of variants
// 2-bit packed; see pca_solver.hpp for the method and pca_outputs.hpp for
// the files. With pca.project, other samples are projected onto the fitted
// components; with pca.model, onto a saved fit's (no fit is run).
#include <cmath>

#include "dvhpc/commands.hpp"
#include "dvhpc/genotype_io.hpp"
#include "dvhpc/log.hpp"
#include "pca_outputs.hpp"
#include "pca_solver.hpp"
#include "projection.hpp"

namespace dvhpc {
namespace {

GenotypeMatrix read_logged(const RunContext& ctx, const std::string& path, const char* what) {
  ScopedStage st(ctx.times, "read");
  GenotypeReadStats stats;
  GenotypeMatrix m = read_genotype_matrix(ctx.comm, path, &stats);
  log::info("{}: {} variants x {} samples from {}", what, m.total_variants, m.n_samples(), path);
  if (stats.skipped_multiallelic > 0)
    log::warn("{} multi-allelic record(s) of {} left out (split them with `bcftools norm -m-` to use them)",
              stats.skipped_multiallelic, path);
  return m;
}

void project_and_write(const RunContext& ctx, const Loadings& fit, std::vector<PlotSamples>* plot_groups) {
  const PcaConfig& pc = ctx.cfg.pca;
  GenotypeMatrix other = read_logged(ctx, pc.project, "projecting");
  ScopedStage st(ctx.times, "project");
  Projection p = project(ctx.comm, fit, other);
  log::info("projection: {} of {} fitted variants matched by ID and alleles ({} flipped), {} with other alleles "
            "left out, {} variants of {} not in the fit",
            p.matched, fit.id.size(), p.flipped, p.allele_mismatch, p.not_in_fit, pc.project);
  if (p.matched == 0)
    throw Error::on_all_ranks(ErrorKind::Input, "no variant of '" + pc.project + "' matches the fit by ID and "
                                                "alleles: nothing to project");
  write_eigenvec(ctx.comm, ctx.cfg.output + ".projected.eigenvec", p.samples, p.scores, fit.k);
  log::info("wrote {}.projected.eigenvec ({} samples)", ctx.cfg.output, p.samples.size());
  if (plot_groups) plot_groups->push_back(PlotSamples{p.samples, p.scores, "projected"});
}

}  // namespace

DVHPC_COMMAND(run_pca_command, "pca",
              "principal components of a genotype matrix (PLINK, HDF5 or VCF), randomized or exact") {
  const Config& cfg = ctx.cfg;
  const PcaConfig& pc = cfg.pca;
  const Comm& comm = ctx.comm;
  if (!pc.model.empty()) {
    Loadings fit;
    {
      ScopedStage st(ctx.times, "read");
      std::string error;
      try {
        fit = read_loadings(pc.model);
      } catch (const std::exception& e) {
        error = e.what();
      }
      comm.agree_or_throw(error, ErrorKind::Input);
    }
    log::info("saved fit {}: {} variants, {} components", pc.model, fit.id.size(), fit.k);
    project_and_write(ctx, fit, nullptr);
    return;
  }

  GenotypeMatrix m = read_logged(ctx, pc.input, "input");
  std::unique_ptr<StandardizedGenotypes> x;
  {
    ScopedStage st(ctx.times, "standardise");
    x = std::make_unique<StandardizedGenotypes>(m, pc.min_maf);
  }
  const int64_t mono = comm.allreduce_sum(x->dropped_monomorphic()), low = comm.allreduce_sum(x->dropped_maf());
  log::info("{} variants used; left out: {} without variation, {} with minor allele frequency < {}",
            comm.allreduce_sum(x->rows()), mono, low, pc.min_maf);
  PcaOptions opt{pc.method, pc.components, pc.oversample, pc.power_iterations, pc.seed, cfg.progress};
  PcaResult r;
  {
    ScopedStage st(ctx.times, "pca");
    r = run_pca(comm, *x, opt);
  }
  if (pc.method == "randomized" && r.ritz.size() >= 2) {
    // How much the estimates still moved in the last power iteration.
    const auto& a = r.ritz[r.ritz.size() - 2];
    const auto& b = r.ritz.back();
    double change = 0;
    for (size_t j = 0; j < b.size(); ++j) change = std::max(change, std::abs(b[j] - a[j]) / std::max(b[j], 1e-300));
    log::info("{} passes over the genotypes; top-{} eigenvalues moved by at most {:.2e} (relative) in the last "
              "iteration{}",
              r.passes, b.size(), change,
              change > 1e-3 ? ": raise pca.power_iterations for tighter estimates of the smaller components" : "");
  }
  std::string top;
  for (size_t j = 0; j < r.eigenvalues.size() && j < 5; ++j) top += fmt::format(" {:.4g}", r.eigenvalues[j]);
  log::info("eigenvalues:{}{}", top, r.eigenvalues.size() > 5 ? " ..." : "");

  std::vector<PlotSamples> groups{PlotSamples{m.samples, r.scores, ""}};
  {
    ScopedStage st(ctx.times, "write");
    write_eigenvec(comm, cfg.output + ".eigenvec", m.samples, r.scores, pc.components);
    write_eigenval(comm, cfg.output + ".eigenval", r.eigenvalues);
    write_pca_h5(ctx, cfg.output + ".pca.h5", *x, r);
    log::info("wrote {0}.eigenvec, {0}.eigenval, {0}.pca.h5", cfg.output);
  }
  if (!pc.project.empty()) {
    Loadings fit;
    {
      ScopedStage st(ctx.times, "project");
      fit = gather_loadings(comm, *x, r);
    }
    project_and_write(ctx, fit, &groups);
  }
  if (pc.plot && pc.components >= 2) {
    ScopedStage st(ctx.times, "plot");
    const std::string name = pc.input.substr(pc.input.find_last_of('/') + 1);
    const std::string title = fmt::format("dvhpc pca: {} ({} samples, {} variants)", name, m.n_samples(),
                                          r.variants_used);
    write_pca_plot(comm, cfg.output + ".pca.png", title, groups, pc.components, r.eigenvalues, pc.labels);
    log::info("wrote {}.pca.png", cfg.output);
  }
}

}  // namespace dvhpc
