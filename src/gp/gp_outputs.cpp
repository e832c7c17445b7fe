#include "gp_outputs.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/h5_handle.hpp"
#include "dvhpc/h5_read.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/plot.hpp"
#include "dvhpc/text_output.hpp"
#include "dvhpc/version.hpp"

namespace dvhpc::gp {
namespace {

std::string num(double v, int digits = 6) {
  if (!std::isfinite(v)) return "NA";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

}  // namespace

Accuracy accuracy(const std::vector<double>& o, const std::vector<double>& p) {
  Accuracy a;
  a.n = static_cast<int64_t>(o.size());
  if (o.empty()) return Accuracy{0, nan_value(), nan_value()};
  double mo = 0, mp = 0;
  for (size_t i = 0; i < o.size(); ++i) mo += o[i], mp += p[i];
  mo /= static_cast<double>(o.size());
  mp /= static_cast<double>(o.size());
  double so = 0, sp = 0, c = 0, se = 0;
  for (size_t i = 0; i < o.size(); ++i) {
    so += (o[i] - mo) * (o[i] - mo);
    sp += (p[i] - mp) * (p[i] - mp);
    c += (o[i] - mo) * (p[i] - mp);
    se += (o[i] - p[i]) * (o[i] - p[i]);
  }
  a.r = so > 0 && sp > 0 ? c / std::sqrt(so * sp) : nan_value();
  a.mse = se / static_cast<double>(o.size());
  return a;
}

std::vector<Accuracy> fold_accuracy(const TraitResult& t, size_t model, int folds) {
  std::vector<Accuracy> out;
  Accuracy mean;
  int counted = 0;
  for (int f = 0; f < folds; ++f) {
    std::vector<double> o, p;
    for (size_t i = 0; i < t.samples.size(); ++i)
      if (t.fold[i] == f) o.push_back(t.observed[i]), p.push_back(t.predicted[model][i]);
    out.push_back(accuracy(o, p));
    mean.n += out.back().n;
    if (out.back().n > 0) {
      mean.r += out.back().r;
      mean.mse += out.back().mse;
      ++counted;
    }
  }
  mean.r /= std::max(counted, 1);
  mean.mse /= std::max(counted, 1);
  out.push_back(mean);
  return out;
}

void write_cv_table(const Comm& comm, const std::string& path, const std::vector<std::string>& models,
                    const std::vector<TraitResult>& results, int folds) {
  write_text_on_root(comm, path, [&](std::ostream& out) {
    out << "trait\tmodel\tfold\tn\tr\tmse\tshrinkage\n";
    for (const auto& t : results)
      for (size_t m = 0; m < models.size(); ++m) {
        const auto acc = fold_accuracy(t, m, folds);
        double log_sum = 0;
        int logs = 0;
        for (int f = 0; f <= folds; ++f) {
          double s = nan_value();
          if (f < folds) {
            s = t.shrinkage[m][static_cast<size_t>(f)];
            if (std::isfinite(s) && s > 0) log_sum += std::log(s), ++logs;
          } else if (logs == folds) {
            s = std::exp(log_sum / logs);  // geometric mean: lambda varies on a log scale
          }
          const auto& a = acc[static_cast<size_t>(f)];
          out << t.trait << '\t' << models[m] << '\t' << (f < folds ? std::to_string(f + 1) : "mean") << '\t'
              << a.n << '\t' << num(a.r) << '\t' << num(a.mse) << '\t' << num(s) << '\n';
        }
      }
  });
}

void write_predictions(const Comm& comm, const std::string& path, const std::vector<SampleId>& samples,
                       const std::vector<std::string>& models, const std::vector<TraitResult>& results) {
  write_text_on_root(comm, path, [&](std::ostream& out) {
    out << "FID\tIID\ttrait\tfold\tobserved";
    for (const auto& m : models) out << '\t' << m;
    out << '\n';
    for (const auto& t : results)
      for (size_t i = 0; i < t.samples.size(); ++i) {
        const SampleId& s = samples[static_cast<size_t>(t.samples[i])];
        out << s.fid << '\t' << s.iid << '\t' << t.trait << '\t' << t.fold[i] + 1 << '\t' << num(t.observed[i], 9);
        for (size_t m = 0; m < models.size(); ++m) out << '\t' << num(t.predicted[m][i], 9);
        out << '\n';
      }
  });
}

void write_gp_plot(const Comm& comm, const std::string& path, const std::string& title,
                   const std::vector<std::string>& models, const std::vector<TraitResult>& results, int folds) {
  on_root(comm, [&] {
    plot::Figure fig;
    fig.title = title;
    const size_t panels = results.size() * models.size();
    if (panels > 64) throw Error(ErrorKind::Output, "the plot holds at most 64 panels (trait x model): set gp.plot: false");
    fig.panel_width = panels > 4 ? 400 : 480;
    fig.panel_height = panels > 4 ? 340 : 440;
    for (const auto& t : results)
      for (size_t m = 0; m < models.size(); ++m) {
        plot::Panel p;
        // Short enough for a 400-pixel panel: the mean r over folds, as in PREFIX.gp.tsv.
        const auto acc = fold_accuracy(t, m, folds);
        char heading[160];
        std::snprintf(heading, sizeof heading, "%s %s r=%.3f", t.trait.c_str(), models[m].c_str(), acc.back().r);
        p.title = heading;
        p.xlabel = "observed";
        p.ylabel = "predicted (out of fold)";
        p.diagonal = true;
        p.series.push_back(plot::Series{"", t.observed, t.predicted[m], false});
        fig.panels.push_back(std::move(p));
      }
    plot::write_png(path, fig);
  });
}

void write_gp_h5(const RunContext& ctx, const std::string& path, const std::vector<SampleId>& samples,
                 const std::vector<std::string>& traits, const GpSave& save) {
  const Comm& comm = ctx.comm;
  const bool root = comm.is_root();
  auto mine = [root](const auto& v) { return root ? v : std::decay_t<decltype(v)>{}; };
  H5File f(comm, path);
  f.create_group("/samples");
  std::vector<std::string> fid, iid;
  for (const auto& s : samples) fid.push_back(s.fid), iid.push_back(s.iid);
  f.write_column("/samples/fid", mine(fid));
  f.write_column("/samples/iid", mine(iid));
  f.write_column("/traits", mine(traits));
  f.create_group("/models");
  f.write_column("/models/layout", mine(std::vector<int64_t>{2}));
  f.write_column("/models/names", mine(save.models));
  if (!save.ensemble.empty()) {
    f.create_group("/models/ensemble");
    f.write_column("/models/ensemble/members", mine(save.ensemble));
    f.write_attribute("/models/ensemble/members", "meaning", "the ensemble's prediction = the mean of these models'");
  }
  if (!save.effects.empty()) {
    const MarkerEffects& e0 = save.effects[0];
    f.create_group("/variants");
    f.write_column("/variants/id", mine(e0.id));
    f.write_column("/variants/a1", mine(e0.a1));
    f.write_column("/variants/a2", mine(e0.a2));
    f.write_column("/variants/a1_freq", mine(e0.freq));
  }
  size_t linear = 0, neural = 0;
  for (const std::string& name : save.models) {
    if (neural < save.neural.size() && save.neural[neural].name == name) {
      write_neural_fit(f, save.neural[neural++], root);
      continue;
    }
    const MarkerEffects& e = save.effects.at(linear++);
    const std::string g = "/models/" + name;
    f.create_group(g);
    f.write_matrix(g + "/effects", mine(e.effect), static_cast<int64_t>(traits.size()));
    f.write_attribute(g + "/effects", "meaning",
                      "per variant and trait: effect per copy of a1; prediction = intercept + sum over variants of "
                      "(copies of a1 - 2 a1_freq) * effect, missing genotypes 0");
    f.write_column(g + "/intercept", mine(e.intercept));
    f.write_column(g + "/shrinkage", mine(e.shrinkage));
  }
  if (!save.neural.empty()) write_nn_inputs(f, *save.nn_x, *save.nn_features, root);
  f.create_group("/provenance");
  f.write_attribute("/provenance", "config", ctx.cfg.to_yaml());
  f.write_attribute("/provenance", "versions", version_report());
  f.write_attribute("/provenance", "command_line", "dvhpc gp " + ctx.args.config_path);
  f.commit();
}

SavedFit read_gp_h5(const std::string& path) {
  H5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (file.id < 0) throw Error(ErrorKind::Input, "cannot open '" + path + "' as HDF5");
  if (!h5_has(file.id, "/models") || !h5_has(file.id, "/traits") || !h5_has(file.id, "/models/names"))
    throw Error(ErrorKind::Input, "'" + path + "' is not a PREFIX.gp.h5 of `dvhpc gp` (no /models/names, /traits)");
  SavedFit out;
  if (h5_has(file.id, "/models/layout")) out.layout = static_cast<int>(h5_read_int64(file.id, path, "/models/layout").at(0));
  out.traits = h5_read_strings(file.id, path, "/traits");
  const std::vector<std::string> models = h5_read_strings(file.id, path, "/models/names");
  std::vector<std::string> present;
  bool read_inputs = false;
  for (const auto& m : models) {
    if (m == "mlp" || m == "gcn") {
      try {
        if (!read_inputs) out.nn = read_nn_inputs(file.id, path);
        read_inputs = true;
        out.neural.push_back(read_neural_fit(file.id, path, m, out.traits.size(), out.nn));
        present.push_back(m);
      } catch (const std::exception& e) {  // HDF5 and size errors alike: the other models still predict
        log::warn("{}: the saved {} fit cannot be used, left out: {}", path, m, e.what());
      }
      continue;
    }
    if (!h5_has(file.id, "/variants"))
      throw Error(ErrorKind::Input, "'" + path + "' has /models/" + m + " but no /variants");
    MarkerEffects e;
    e.id = h5_read_strings(file.id, path, "/variants/id");
    e.a1 = h5_read_strings(file.id, path, "/variants/a1");
    e.a2 = h5_read_strings(file.id, path, "/variants/a2");
    e.freq = h5_read_double(file.id, path, "/variants/a1_freq");
    e.effect = h5_read_double(file.id, path, "/models/" + m + "/effects");
    e.intercept = h5_read_double(file.id, path, "/models/" + m + "/intercept");
    e.shrinkage = h5_read_double(file.id, path, "/models/" + m + "/shrinkage");
    if (e.a1.size() != e.id.size() || e.a2.size() != e.id.size() || e.freq.size() != e.id.size() ||
        e.effect.size() != e.id.size() * out.traits.size() || e.intercept.size() != out.traits.size())
      throw Error(ErrorKind::Input, "'" + path + "': /variants and /models/" + m + " disagree in size");
    out.linear.push_back(m);
    out.effects.push_back(std::move(e));
    present.push_back(m);
  }
  if (present.empty()) throw Error(ErrorKind::Input, "'" + path + "' holds no usable fitted model");
  if (out.layout < 2) {
    // Written before the networks were saved: GBLUP only, and the ensemble
    // was always the mean of the saved models.
    out.ensemble = true;
    out.ensemble_of = present;
  } else if (h5_has(file.id, "/models/ensemble/members")) {
    out.ensemble = true;
    for (const auto& m : h5_read_strings(file.id, path, "/models/ensemble/members"))
      if (std::find(present.begin(), present.end(), m) != present.end()) out.ensemble_of.push_back(m);
      else log::warn("{}: the ensemble's member {} is not usable: the ensemble is the mean of the others", path, m);
    if (out.ensemble_of.empty()) out.ensemble = false;
  }
  return out;
}

void write_predicted(const Comm& comm, const std::string& path, const std::vector<SampleId>& samples,
                     const std::vector<std::string>& traits, const std::vector<std::string>& models,
                     const std::vector<std::vector<std::vector<double>>>& predicted) {
  write_text_on_root(comm, path, [&](std::ostream& out) {
    out << "FID\tIID\ttrait";
    for (const auto& m : models) out << '\t' << m;
    out << '\n';
    for (size_t t = 0; t < traits.size(); ++t)
      for (size_t i = 0; i < samples.size(); ++i) {
        out << samples[i].fid << '\t' << samples[i].iid << '\t' << traits[t];
        for (size_t m = 0; m < models.size(); ++m) out << '\t' << num(predicted[m][t][i], 9);
        out << '\n';
      }
  });
}

}  // namespace dvhpc::gp
