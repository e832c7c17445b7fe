// `dvhpc gp`: genomic prediction. Reads a genotype matrix (each rank a block
// of variants, 2-bit packed) and a phenotype table, runs k-fold
// cross-validation of every model in gp.models on every trait, fits each
// model once more on all samples with a value, and writes the files of
// gp_outputs.hpp. With gp.predict_from, a saved fit predicts gp.genotypes.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "dvhpc/commands.hpp"
#include "dvhpc/genotype_io.hpp"
#include "dvhpc/log.hpp"
#include "gblup.hpp"
#include "gp_outputs.hpp"
#include "nn_net.hpp"
#include "phenotypes.hpp"
#include "src/pca/projection.hpp"
#include "src/pca/standardized_genotypes.hpp"

namespace dvhpc::gp {
namespace {

GenotypeMatrix read_logged(const RunContext& ctx, const std::string& path) {
  ScopedStage st(ctx.times, "read");
  GenotypeReadStats stats;
  GenotypeMatrix m = read_genotype_matrix(ctx.comm, path, &stats);
  log::info("genotypes: {} variants x {} samples from {}", m.total_variants, m.n_samples(), path);
  if (stats.skipped_multiallelic > 0)
    log::warn("{} multi-allelic record(s) of {} left out (split them with `bcftools norm -m-`)",
              stats.skipped_multiallelic, path);
  return m;
}

// Runs `step` on every rank; an error on any rank is thrown on all of them.
template <typename F>
void on_every_rank(const Comm& comm, F&& step) {
  std::string error;
  try {
    step();
  } catch (const std::exception& e) {
    error = e.what();
  }
  comm.agree_or_throw(error, ErrorKind::Input);
}

// Traits observed on the same samples share every training set, hence one
// eigendecomposition per fold.
struct TraitGroup {
  std::vector<size_t> traits;
  std::vector<bool> observed;  // per genotype column
};

std::vector<TraitGroup> group_traits(const Phenotypes& ph) {
  std::vector<TraitGroup> groups;
  for (size_t t = 0; t < ph.traits.size(); ++t) {
    std::vector<bool> obs(ph.values[t].size());
    for (size_t j = 0; j < obs.size(); ++j) obs[j] = !std::isnan(ph.values[t][j]);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const TraitGroup& g) { return g.observed == obs; });
    if (it == groups.end()) groups.push_back(TraitGroup{{t}, obs});
    else it->traits.push_back(t);
  }
  return groups;
}

FitTask make_task(const Phenotypes& ph, const TraitGroup& g, const std::vector<int>& fold, int f) {
  FitTask task;
  for (size_t j = 0; j < g.observed.size(); ++j) {
    if (!g.observed[j]) continue;
    if (f < 0 || fold[j] != f) task.train.push_back(static_cast<int64_t>(j));  // f < 0: the final fit
    else task.test.push_back(static_cast<int64_t>(j));
  }
  for (size_t t : g.traits) {
    std::vector<double> y;
    for (int64_t j : task.train) y.push_back(ph.values[t][static_cast<size_t>(j)]);
    task.targets.push_back(std::move(y));
  }
  return task;
}

void predict_new(const RunContext& ctx) {
  const GpConfig& gc = ctx.cfg.gp;
  std::vector<std::string> traits, models;
  std::vector<MarkerEffects> effects;
  {
    ScopedStage st(ctx.times, "read");
    on_every_rank(ctx.comm, [&] { read_gp_h5(gc.predict_from, &traits, &models, &effects); });
  }
  log::info("saved fit {}: {} trait(s), models {}, {} variants", gc.predict_from, traits.size(), models.size(),
            effects.empty() ? 0 : effects[0].id.size());
  GenotypeMatrix m = read_logged(ctx, gc.genotypes);
  ScopedStage st(ctx.times, "predict");
  const size_t T = traits.size();
  std::vector<std::vector<std::vector<double>>> predicted;  // [model][trait][sample]
  for (size_t k = 0; k < models.size(); ++k) {
    // The saved effects are per copy; projection standardises by
    // sqrt(2p(1-p)), so the weights are scaled by it.
    const MarkerEffects& e = effects[k];
    Loadings L;
    L.k = static_cast<int>(T);
    L.id = e.id, L.a1 = e.a1, L.a2 = e.a2, L.freq = e.freq;
    for (size_t v = 0; v < e.id.size(); ++v) {
      const double s = std::sqrt(2 * e.freq[v] * (1 - e.freq[v]));
      for (size_t t = 0; t < T; ++t) L.weight.push_back(static_cast<float>(e.effect[v * T + t] * s));
    }
    const Projection p = project(ctx.comm, L, m);
    if (k == 0)
      log::info("{} of {} fitted variants matched by ID and alleles ({} flipped), {} with other alleles left out",
                p.matched, e.id.size(), p.flipped, p.allele_mismatch);
    if (p.matched == 0)
      throw Error::on_all_ranks(ErrorKind::Input, "no variant of '" + gc.genotypes +
                                                      "' matches the saved fit by ID and alleles: nothing to predict");
    std::vector<std::vector<double>> by_trait(T, std::vector<double>(static_cast<size_t>(m.n_samples())));
    for (size_t t = 0; t < T; ++t)
      for (int64_t i = 0; i < m.n_samples(); ++i)
        by_trait[t][static_cast<size_t>(i)] = e.intercept[t] + p.scores[static_cast<size_t>(i) * T + t];
    predicted.push_back(std::move(by_trait));
  }
  // The ensemble of the saved models, as in cross-validation.
  auto ens = predicted[0];
  for (size_t t = 0; t < T; ++t)
    for (size_t i = 0; i < ens[t].size(); ++i) {
      double s = 0;
      for (const auto& pm : predicted) s += pm[t][i];
      ens[t][i] = s / static_cast<double>(predicted.size());
    }
  predicted.push_back(std::move(ens));
  models.push_back("ensemble");
  write_predicted(ctx.comm, ctx.cfg.output + ".gp.predicted.tsv", m.samples, traits, models, predicted);
  log::info("wrote {}.gp.predicted.tsv ({} samples x {} trait(s))", ctx.cfg.output, m.n_samples(), T);
}

}  // namespace

DVHPC_COMMAND(run_gp_command, "gp", "genomic prediction: cross-validated GBLUP (REML or LOO) and an ensemble") {
  const Config& cfg = ctx.cfg;
  const GpConfig& gc = cfg.gp;
  const Comm& comm = ctx.comm;
  if (!gc.predict_from.empty()) return predict_new(ctx);

  GenotypeMatrix m = read_logged(ctx, gc.genotypes);
  Phenotypes ph;
  std::vector<int> fold;
  int k = gc.folds;
  {
    ScopedStage st(ctx.times, "phenotypes");
    on_every_rank(comm, [&] {
      ph = read_phenotypes(gc.phenotypes, m.samples, gc.traits);
      std::vector<bool> any(m.samples.size(), false);
      for (const auto& v : ph.values)
        for (size_t j = 0; j < v.size(); ++j) any[j] = any[j] || !std::isnan(v[j]);
      fold = gc.folds_file.empty() ? random_folds(any, k, gc.seed) : read_folds(gc.folds_file, m.samples, &k);
    });
  }
  const std::vector<TraitGroup> groups = group_traits(ph);
  for (const auto& g : groups) {
    int64_t n = 0, no_fold = 0;
    for (size_t j = 0; j < g.observed.size(); ++j) n += g.observed[j], no_fold += g.observed[j] && fold[j] < 0;
    std::string names;
    for (size_t t : g.traits) names += (names.empty() ? "" : ", ") + ph.traits[t];
    log::info("{}: {} of {} genotyped samples have a value, {} folds{}", names, n, m.n_samples(), k,
              no_fold > 0 ? fmt::format(" ({} without a fold in {}: final fit only)", no_fold, gc.folds_file) : "");
    if (n - no_fold < k || n < 3)
      throw Error::on_all_ranks(ErrorKind::Input, "trait(s) " + names + ": " + std::to_string(n) +
                                                      " samples with a value are too few for " + std::to_string(k) +
                                                      "-fold cross-validation");
  }

  std::unique_ptr<StandardizedGenotypes> x, x_centred;
  {
    ScopedStage st(ctx.times, "standardise");
    x = std::make_unique<StandardizedGenotypes>(m, gc.min_maf, gc.standardize);
  }
  const int64_t used = comm.allreduce_sum(x->rows());
  log::info("{} variants used ({}); left out: {} without variation, {} with minor allele frequency < {}", used,
            gc.standardize ? "plink-standardised" : "centred", comm.allreduce_sum(x->dropped_monomorphic()),
            comm.allreduce_sum(x->dropped_maf()), gc.min_maf);
  if (used == 0) throw Error::on_all_ranks(ErrorKind::Input, "no variant with variation left: nothing to predict from");

  // The models; the ensemble is formed from the others below.
  std::vector<std::unique_ptr<GpModel>> models;
  std::vector<std::string> names;
  std::shared_ptr<const SampleFeatures> nn_features;  // shared by mlp and gcn, made on first use
  for (const auto& name : gc.models) {
    if (name == "ensemble") continue;
    if (name == "mlp" || name == "gcn") {
      ScopedStage st(ctx.times, "nn_features");
      // The networks take centred markers whatever gp.standardize says: their
      // defaults (weight decay) were measured on them, and plink-standardised
      // markers flatten the spectrum of their PC-score inputs, so the mlp
      // overfits (Arabidopsis FT16: r 0.51 against 0.80).
      if (gc.standardize && !x_centred) x_centred = std::make_unique<StandardizedGenotypes>(m, gc.min_maf, false);
      models.push_back(make_neural_model(name, comm, gc.standardize ? *x_centred : *x, gc.nn, &nn_features));
      names.push_back(name);
      continue;
    }
    // A new model is one more branch here and a name in validate.cpp.
    DVHPC_ASSERT(name == "gblup", "model '" + name + "' passed validation but has no implementation");
    ScopedStage st(ctx.times, "relationship");
    models.push_back(std::make_unique<Gblup>(comm, *x, gc.shrinkage == "reml" ? Shrinkage::Reml : Shrinkage::Loo));
    names.push_back(name);
  }
  const bool ensemble = std::find(gc.models.begin(), gc.models.end(), "ensemble") != gc.models.end();

  std::vector<FitTask> tasks;
  std::vector<std::pair<size_t, int>> task_of;  // (group, fold)
  for (size_t g = 0; g < groups.size(); ++g)
    for (int f = 0; f < k; ++f) {
      tasks.push_back(make_task(ph, groups[g], fold, f));
      task_of.emplace_back(g, f);
    }
  std::vector<TraitResult> results(ph.traits.size());
  for (size_t t = 0; t < ph.traits.size(); ++t) {
    results[t].trait = ph.traits[t];
    for (size_t j = 0; j < m.samples.size(); ++j)
      if (!std::isnan(ph.values[t][j]) && fold[j] >= 0) {
        results[t].samples.push_back(static_cast<int64_t>(j));
        results[t].fold.push_back(fold[j]);
        results[t].observed.push_back(ph.values[t][j]);
      }
  }
  for (size_t mi = 0; mi < models.size(); ++mi) {
    ScopedStage st(ctx.times, "cv_" + names[mi]);
    const std::vector<TaskResult> out = models[mi]->run_tasks(tasks);
    for (auto& r : results) {
      r.predicted.emplace_back(r.samples.size(), nan_value());
      r.shrinkage.emplace_back(static_cast<size_t>(k), nan_value());
    }
    for (size_t ti = 0; ti < tasks.size(); ++ti) {
      const auto [g, f] = task_of[ti];
      for (size_t a = 0; a < groups[g].traits.size(); ++a) {
        TraitResult& r = results[groups[g].traits[a]];
        std::map<int64_t, size_t> at;
        for (size_t i = 0; i < r.samples.size(); ++i) at[r.samples[i]] = i;
        for (size_t i = 0; i < tasks[ti].test.size(); ++i)
          r.predicted[mi][at.at(tasks[ti].test[i])] = out[ti].predictions[a][i];
        r.shrinkage[mi][static_cast<size_t>(f)] = out[ti].shrinkage[a];
      }
    }
  }
  if (ensemble) {
    names.push_back("ensemble");
    for (auto& r : results) {
      std::vector<double> mean(r.samples.size(), 0.0);
      for (size_t mi = 0; mi < models.size(); ++mi)
        for (size_t i = 0; i < mean.size(); ++i) mean[i] += r.predicted[mi][i] / static_cast<double>(models.size());
      r.predicted.push_back(std::move(mean));
      r.shrinkage.emplace_back(static_cast<size_t>(k), nan_value());
    }
  }
  for (const auto& r : results) {
    std::string line;
    for (size_t mi = 0; mi < names.size(); ++mi) {
      const auto acc = fold_accuracy(r, mi, k);
      line += fmt::format("{}{} r = {:.3f} (mse {:.4g})", mi ? "; " : "", names[mi], acc.back().r, acc.back().mse);
    }
    log::info("{} ({} samples, {}-fold mean): {}", r.trait, r.samples.size(), k, line);
  }

  // Final fits on every sample with a value, as marker effects per model.
  std::vector<MarkerEffects> effects(models.size());
  {
    ScopedStage st(ctx.times, "final_fit");
    for (size_t mi = 0; mi < models.size(); ++mi) {
      if (names[mi] == "mlp" || names[mi] == "gcn") continue;  // not linear: no marker effects to save
      MarkerEffects& all = effects[mi];
      all.intercept.assign(ph.traits.size(), nan_value());
      all.shrinkage.assign(ph.traits.size(), nan_value());
      for (const auto& g : groups) {
        models[mi]->fit(make_task(ph, g, fold, -1));
        MarkerEffects part;
        models[mi]->marker_effects(&part);
        if (all.id.empty()) {
          all.id = part.id, all.a1 = part.a1, all.a2 = part.a2, all.freq = part.freq;
          all.effect.assign(part.id.size() * ph.traits.size(), 0.0);
        }
        const size_t G = g.traits.size(), T = ph.traits.size();
        for (size_t a = 0; a < G; ++a) {
          all.intercept[g.traits[a]] = part.intercept[a];
          all.shrinkage[g.traits[a]] = part.shrinkage[a];
          for (size_t v = 0; v < part.id.size(); ++v) all.effect[v * T + g.traits[a]] = part.effect[v * G + a];
        }
      }
    }
  }
  {
    ScopedStage st(ctx.times, "write");
    write_cv_table(comm, cfg.output + ".gp.tsv", names, results, k);
    write_predictions(comm, cfg.output + ".gp.predictions.tsv", m.samples, names, results);
    std::vector<std::string> linear;
    std::vector<MarkerEffects> linear_effects;
    for (size_t mi = 0; mi < models.size(); ++mi)
      if (names[mi] != "mlp" && names[mi] != "gcn") {  // only linear fits are saved
        linear.push_back(names[mi]);
        linear_effects.push_back(std::move(effects[mi]));
      }
    write_gp_h5(ctx, cfg.output + ".gp.h5", m.samples, ph.traits, linear, linear_effects);
    log::info("wrote {0}.gp.tsv, {0}.gp.predictions.tsv, {0}.gp.h5", cfg.output);
  }
  if (gc.plot) {
    ScopedStage st(ctx.times, "plot");
    const std::string file = gc.genotypes.substr(gc.genotypes.find_last_of('/') + 1);
    write_gp_plot(comm, cfg.output + ".gp.png",
                  fmt::format("dvhpc gp: {} ({} samples, {} variants), {}-fold cross-validation", file,
                              m.n_samples(), used, k),
                  names, results, k);
    log::info("wrote {}.gp.png", cfg.output);
  }
}

}  // namespace dvhpc::gp
