// `dvhpc gp`: genomic prediction. Reads a genotype matrix (each rank a block
// of variants, 2-bit packed) and a phenotype table, runs k-fold
// cross-validation of every model in gp.models on every trait, fits each
// model once more on all samples with a value, and writes the files of
// gp_outputs.hpp. With gp.predict_from, a saved fit predicts gp.genotypes
// with every model it holds.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "dvhpc/commands.hpp"
#include "dvhpc/genotype_io.hpp"
#include "dvhpc/log.hpp"
#include "gblup.hpp"
#include "gp_outputs.hpp"
#include "gcn_model.hpp"
#include "nn_net.hpp"
#include "nn_saved.hpp"
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

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// GBLUP's marker effects applied to `m` ([trait][sample]).
std::vector<std::vector<double>> predict_linear(const RunContext& ctx, const MarkerEffects& e, const GenotypeMatrix& m,
                                                bool log_matching) {
  const size_t T = e.intercept.size();
  // The saved effects are per copy; projection standardises by
  // sqrt(2p(1-p)), so the weights are scaled by it.
  Loadings L;
  L.k = static_cast<int>(T);
  L.id = e.id, L.a1 = e.a1, L.a2 = e.a2, L.freq = e.freq;
  for (size_t v = 0; v < e.id.size(); ++v) {
    const double s = std::sqrt(2 * e.freq[v] * (1 - e.freq[v]));
    for (size_t t = 0; t < T; ++t) L.weight.push_back(static_cast<float>(e.effect[v * T + t] * s));
  }
  const Projection p = project(ctx.comm, L, m);
  if (log_matching)
    log::info("{} of {} fitted variants matched by ID and alleles ({} flipped), {} with other alleles left out",
              p.matched, e.id.size(), p.flipped, p.allele_mismatch);
  if (p.matched == 0)
    throw Error::on_all_ranks(ErrorKind::Input, "no variant of '" + ctx.cfg.gp.genotypes +
                                                    "' matches the saved fit by ID and alleles: nothing to predict");
  std::vector<std::vector<double>> by_trait(T, std::vector<double>(static_cast<size_t>(m.n_samples())));
  for (size_t t = 0; t < T; ++t)
    for (int64_t i = 0; i < m.n_samples(); ++i)
      by_trait[t][static_cast<size_t>(i)] = e.intercept[t] + p.scores[static_cast<size_t>(i) * T + t];
  return by_trait;
}

void predict_new(const RunContext& ctx) {
  const GpConfig& gc = ctx.cfg.gp;
  SavedFit fit;
  {
    ScopedStage st(ctx.times, "read");
    on_every_rank(ctx.comm, [&] { fit = read_gp_h5(gc.predict_from); });
  }
  std::vector<std::string> models = fit.linear;
  for (const auto& n : fit.neural) models.push_back(n.name);
  log::info("saved fit {} (layout {}): {} trait(s), models {}", gc.predict_from, fit.layout, fit.traits.size(),
            joined(models));
  if (fit.neural.empty())
    log::info("{} has no saved mlp/gcn fit ({}): predicting with {}", gc.predict_from,
              fit.layout < 2 ? "written before the networks were saved" : "none was fitted or readable",
              joined(models));
  GenotypeMatrix m = read_logged(ctx, gc.genotypes);
  ScopedStage st(ctx.times, "predict");
  const size_t T = fit.traits.size();
  std::vector<std::vector<std::vector<double>>> predicted;  // [model][trait][sample]
  for (size_t k = 0; k < fit.linear.size(); ++k) predicted.push_back(predict_linear(ctx, fit.effects[k], m, k == 0));
  if (!fit.neural.empty()) {
    Projection counts;
    const std::vector<float> scores = project_scores(ctx.comm, fit.nn, m, &counts);
    log::info("mlp/gcn inputs: {} of {} variants matched by ID and alleles ({} flipped), {} with other alleles left "
              "out; {} principal-component scores per sample",
              counts.matched, fit.nn.loadings.id.size(), counts.flipped, counts.allele_mismatch, fit.nn.loadings.k);
    if (counts.matched == 0)
      throw Error::on_all_ranks(ErrorKind::Input, "no variant of '" + gc.genotypes +
                                                      "' matches the saved networks' variants by ID and alleles");
    // Every rank has every sample's scores; the networks are small, so each
    // rank predicts all samples (identical results) and rank 0 writes them.
    for (const auto& n : fit.neural) {
      std::vector<std::vector<double>> p;
      on_every_rank(ctx.comm, [&] { p = predict_neural(n, scores, m.n_samples(), T); });
      predicted.push_back(std::move(p));
    }
  }
  if (fit.ensemble) {
    std::vector<size_t> members;
    for (const auto& name : fit.ensemble_of)
      members.push_back(static_cast<size_t>(std::find(models.begin(), models.end(), name) - models.begin()));
    auto ens = predicted[members[0]];
    for (size_t t = 0; t < T; ++t)
      for (size_t i = 0; i < ens[t].size(); ++i) {
        double s = 0;
        for (size_t k : members) s += predicted[k][t][i];
        ens[t][i] = s / static_cast<double>(members.size());
      }
    predicted.push_back(std::move(ens));
    models.push_back("ensemble");
    log::info("ensemble: the mean of {}", joined(fit.ensemble_of));
  }
  write_predicted(ctx.comm, ctx.cfg.output + ".gp.predicted.tsv", m.samples, fit.traits, models, predicted);
  log::info("wrote {}.gp.predicted.tsv ({} samples x {} trait(s), models {})", ctx.cfg.output, m.n_samples(), T,
            joined(models));
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

  // Final fits on every sample with a value: marker effects of the linear
  // models, the networks' weights (one network per trait group).
  GpSave save;
  {
    ScopedStage st(ctx.times, "final_fit");
    for (size_t mi = 0; mi < models.size(); ++mi) {
      save.models.push_back(names[mi]);
      if (auto* nn = dynamic_cast<NeuralGpModel*>(models[mi].get())) {
        NeuralFit fit;
        fit.name = names[mi];
        for (const auto& g : groups) {
          nn->fit(make_task(ph, g, fold, -1));
          fit.nets.push_back(nn->saved_net(std::vector<int64_t>(g.traits.begin(), g.traits.end())));
        }
        if (auto* gcn = dynamic_cast<GcnModel*>(nn)) {
          fit.graph.a = gcn->graph();
          fit.graph.width = nn_features->width;
          fit.graph.scores = nn_features->scores;
        }
        save.neural.push_back(std::move(fit));
        continue;
      }
      MarkerEffects all;
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
      save.effects.push_back(std::move(all));
    }
  }
  if (ensemble) save.ensemble.assign(names.begin(), names.end() - 1);
  save.nn_x = gc.standardize ? x_centred.get() : x.get();
  save.nn_features = nn_features.get();
  {
    ScopedStage st(ctx.times, "write");
    write_cv_table(comm, cfg.output + ".gp.tsv", names, results, k);
    write_predictions(comm, cfg.output + ".gp.predictions.tsv", m.samples, names, results);
    write_gp_h5(ctx, cfg.output + ".gp.h5", m.samples, ph.traits, save);
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
