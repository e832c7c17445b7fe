#include "pca_outputs.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "dvhpc/comm.hpp"
#include "dvhpc/genotype_io.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/plot.hpp"
#include "dvhpc/text_output.hpp"
#include "dvhpc/version.hpp"
#include "pca_solver.hpp"

namespace dvhpc {
void write_eigenvec(const Comm& comm, const std::string& path, const std::vector<SampleId>& samples,
                    const std::vector<double>& scores, int k) {
  write_text_on_root(comm, path, [&](std::ostream& out) {
    out << "#FID\tIID";
    for (int j = 1; j <= k; ++j) out << "\tPC" << j;
    out << '\n';
    char buf[32];
    for (size_t i = 0; i < samples.size(); ++i) {
      out << samples[i].fid << '\t' << samples[i].iid;
      for (int j = 0; j < k; ++j) {
        std::snprintf(buf, sizeof buf, "\t%.8g", scores[i * static_cast<size_t>(k) + static_cast<size_t>(j)]);
        out << buf;
      }
      out << '\n';
    }
  });
}

void write_eigenval(const Comm& comm, const std::string& path, const std::vector<double>& values) {
  write_text_on_root(comm, path, [&](std::ostream& out) {
    char buf[32];
    for (double v : values) {
      std::snprintf(buf, sizeof buf, "%.8g\n", v);
      out << buf;
    }
  });
}

void write_pca_h5(const RunContext& ctx, const std::string& path, const StandardizedGenotypes& x, const PcaResult& r) {
  const Comm& comm = ctx.comm;
  const GenotypeMatrix& m = x.matrix();
  const int k = static_cast<int>(r.eigenvalues.size());
  // One piece per run of consecutive global rows this rank holds (one for
  // PLINK and HDF5 inputs, one per chunk of a VCF): the kept rows in it.
  std::vector<int64_t> keys, sizes, starts;
  size_t kept_at = 0;
  for (const auto& [at, len] : index_runs(m.index)) {
    const size_t begin = kept_at;
    while (kept_at < x.kept().size() && x.kept()[kept_at] < at + len) ++kept_at;
    keys.push_back(m.index[static_cast<size_t>(at)]);
    starts.push_back(static_cast<int64_t>(begin));
    sizes.push_back(static_cast<int64_t>(kept_at - begin));
  }
  const PieceLayout rows = layout_pieces(comm, keys, {sizes})[0];
  auto variant = [&](size_t piece, int64_t r0) -> const VariantId& {
    return m.variants[static_cast<size_t>(x.kept()[static_cast<size_t>(starts[piece] + r0)])];
  };
  H5File f(comm, path);
  f.create_group("/samples");
  std::vector<std::string> fid, iid;
  std::vector<double> scores;
  if (comm.is_root()) {
    for (const auto& s : m.samples) {
      fid.push_back(s.fid);
      iid.push_back(s.iid);
    }
    scores = r.scores;
  }
  f.write_column("/samples/fid", fid);
  f.write_column("/samples/iid", iid);
  f.write_matrix("/scores", scores, k);
  f.write_attribute("/scores", "axes", "sample, component (unit-norm eigenvectors, as PREFIX.eigenvec)");
  f.write_column("/eigenvalues", comm.is_root() ? r.eigenvalues : std::vector<double>{});
  f.create_group("/variants");
  auto strings = [&](const std::string& name, std::string VariantId::*field) {
    f.write_ordered_strings(name, rows, [&](size_t i, int64_t r) -> const std::string& { return variant(i, r).*field; });
  };
  strings("/variants/chrom", &VariantId::chrom);
  f.write_ordered("/variants/pos", H5T_NATIVE_INT64, {}, rows, [&](size_t i, int64_t row0, int64_t n, void* out) {
    for (int64_t j = 0; j < n; ++j) static_cast<int64_t*>(out)[j] = variant(i, row0 + j).pos;
  });
  strings("/variants/id", &VariantId::id);
  strings("/variants/a1", &VariantId::alt);
  strings("/variants/a2", &VariantId::ref);
  f.write_ordered("/variants/a1_freq", H5T_NATIVE_DOUBLE, {}, rows, [&](size_t i, int64_t row0, int64_t n, void* out) {
    for (int64_t j = 0; j < n; ++j) static_cast<double*>(out)[j] = x.alt_freq()[static_cast<size_t>(starts[i] + row0 + j)];
  });
  f.write_ordered("/loadings", H5T_NATIVE_FLOAT, {k}, rows, [&](size_t i, int64_t row0, int64_t n, void* out) {
    std::memcpy(out, r.weights.data() + (starts[i] + row0) * k, static_cast<size_t>(n * k) * sizeof(float));
  });
  f.write_attribute("/loadings", "meaning",
                    "variant weights w: a sample's score on component j is sum_i x_i w_ij, x_i = (copies of a1 - "
                    "2 a1_freq) / sqrt(2 a1_freq (1 - a1_freq)), missing 0");
  f.create_group("/provenance");
  f.write_attribute("/provenance", "config", ctx.cfg.to_yaml());
  f.write_attribute("/provenance", "versions", version_report());
  f.write_attribute("/provenance", "command_line", "dvhpc pca " + ctx.args.config_path);
  f.write_attribute("/provenance", "variants_used", std::to_string(r.variants_used));
  f.write_attribute("/provenance", "passes", std::to_string(r.passes));
  f.commit();
}

void write_pca_plot(const Comm& comm, const std::string& path, const std::string& title,
                    const std::vector<PlotSamples>& groups, int k, const std::vector<double>& eigenvalues,
                    const std::string& labels) {
  // plot::write_png itself writes a temporary and renames it into place.
  on_root(comm, [&] {
    std::map<std::string, std::string> by_pair, by_iid;
    if (!labels.empty())
      for (const auto& [id, label] : read_sample_table(labels)) {
        by_pair[id.fid + '\t' + id.iid] = label;
        by_iid.emplace(id.iid, label);
      }
    auto label_of = [&](const SampleId& s, const std::string& fallback) {
      if (auto it = by_pair.find(s.fid + '\t' + s.iid); it != by_pair.end()) return it->second;
      if (auto it = by_iid.find(s.iid); it != by_iid.end()) return it->second;
      return fallback.empty() ? std::string(labels.empty() ? "samples" : "unlabelled") : fallback;
    };
    plot::Figure fig;
    char heading[96];
    for (int a = 0; a + 1 < k && a < 4; a += 2) {
      plot::Panel panel;
      std::snprintf(heading, sizeof heading, "PC%d (%.3g) vs PC%d (%.3g)", a + 1, eigenvalues[static_cast<size_t>(a)],
                    a + 2, eigenvalues[static_cast<size_t>(a + 1)]);
      panel.title = heading;
      panel.xlabel = "PC" + std::to_string(a + 1);
      panel.ylabel = "PC" + std::to_string(a + 2);
      std::map<std::string, size_t> series_of;
      for (const auto& g : groups)
        for (size_t i = 0; i < g.samples.size(); ++i) {
          const std::string label = label_of(g.samples[i], g.default_label);
          auto [it, added] = series_of.emplace(label, panel.series.size());
          if (added) panel.series.push_back(plot::Series{label, {}, {}, false});
          auto& s = panel.series[it->second];
          s.x.push_back(g.scores[i * static_cast<size_t>(k) + static_cast<size_t>(a)]);
          s.y.push_back(g.scores[i * static_cast<size_t>(k) + static_cast<size_t>(a + 1)]);
        }
      fig.panels.push_back(std::move(panel));
    }
    if (fig.panels.empty()) throw Error(ErrorKind::Output, "the plot needs pca.components >= 2");
    fig.title = title;
    plot::write_png(path, fig);
  });
}

}  // namespace dvhpc
