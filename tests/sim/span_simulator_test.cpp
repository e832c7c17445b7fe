// Whole spans: coverage, insert sizes, and determinism.
#include <doctest/doctest.h>
#include <htslib/sam.h>

#include <cmath>

#include "dvhpc/reference.hpp"
#include "dvhpc/sim/random_genome.hpp"
#include "dvhpc/sim/span_simulator.hpp"
#include "tests/test_util.hpp"

using namespace dvhpc;
using namespace dvhpc::sim;

namespace {

struct Run {
  std::string bytes;  // every record's BAM encoding, in output order
  std::vector<int64_t> pos, end, tlen;
  int64_t variants = 0;
  bool sorted = true;
};

Run simulate_all(const Reference& ref, const SimulateConfig& cfg, int64_t span_size, int threads) {
  std::vector<Region> regions = {Region{"sim1", 0, ref.length("sim1")}};
  SpanSimulator sim(ref, regions, make_sim_spans(regions, span_size), cfg, nullptr, "SIM", threads);
  Run run;
  for (const auto& s : sim.spans()) {
    run.variants += static_cast<int64_t>(sim.variants(s.index).size());
    sim.simulate(s.index, [&](const bam1_t* b) {
      run.bytes.append(reinterpret_cast<const char*>(&b->core), sizeof b->core);
      run.bytes.append(reinterpret_cast<const char*>(b->data), static_cast<size_t>(b->l_data));
      if (!run.pos.empty() && b->core.pos < run.pos.back()) run.sorted = false;
      if (b->core.pos < s.span.begin || b->core.pos >= s.span.end) run.sorted = false;
      run.pos.push_back(b->core.pos);
      run.end.push_back(bam_endpos(b));
      run.tlen.push_back(b->core.isize);
    });
  }
  return run;
}

}  // namespace

TEST_CASE("SpanSimulator: coverage and insert size match the config") {
  test::TempDir dir;
  write_random_fasta(dir.file("g.fa"), "sim1", 300000, 5);
  Reference ref(dir.file("g.fa"));
  SimulateConfig cfg;
  cfg.coverage = 12;
  cfg.insert_mean = 350;
  cfg.insert_sd = 40;
  cfg.indel_rate = 5e-4;
  Run run = simulate_all(ref, cfg, 100000, 2);
  CHECK(run.sorted);
  double aligned = 0;
  for (size_t i = 0; i < run.pos.size(); ++i) aligned += static_cast<double>(run.end[i] - run.pos[i]);
  // Coverage over the interior (fragments cannot start before the contig, so the ends are thinner).
  double depth = aligned / 300000.0;
  INFO("depth " << depth << " from " << run.pos.size() << " reads");
  CHECK(depth == doctest::Approx(12.0).epsilon(0.03));
  double s = 0, s2 = 0;
  int64_t n = 0;
  for (int64_t t : run.tlen)
    if (t > 0) {
      s += static_cast<double>(t);
      s2 += static_cast<double>(t) * static_cast<double>(t);
      ++n;
    }
  double mean = s / static_cast<double>(n), sd = std::sqrt(s2 / static_cast<double>(n) - mean * mean);
  INFO("insert mean " << mean << " sd " << sd << " over " << n << " pairs");
  CHECK(n * 2 == static_cast<int64_t>(run.tlen.size()));  // every pair has one + and one - TLEN
  CHECK(mean == doctest::Approx(350).epsilon(0.01));
  CHECK(sd == doctest::Approx(40).epsilon(0.05));
  CHECK(run.variants > 250);  // 1.5e-3 per base over 300 kb = ~450
}

TEST_CASE("SpanSimulator: same seed, same bytes at any thread count, small spans emit each read once, new seed, new reads") {
  test::TempDir dir;
  write_random_fasta(dir.file("g.fa"), "sim1", 120000, 9);
  Reference ref(dir.file("g.fa"));
  SimulateConfig cfg;
  cfg.coverage = 5;
  cfg.indel_rate = 1e-3;
  Run a = simulate_all(ref, cfg, 120000, 1);
  Run b = simulate_all(ref, cfg, 120000, 2);
  // (Variants are drawn per span, so bytes are compared at equal span sizes;
  // the rank count does not change spans, see tests/cli/simulate_cli.sh.)
  Run c = simulate_all(ref, cfg, 120000, 3);
  CHECK(a.bytes.size() > 100000);
  CHECK(a.bytes == b.bytes);
  CHECK(a.bytes == c.bytes);
  // Reads split over many spans are still each emitted once and sorted.
  Run d = simulate_all(ref, cfg, 7000, 2);
  CHECK(d.sorted);
  CHECK(std::abs(static_cast<double>(d.pos.size()) - static_cast<double>(a.pos.size())) < 0.03 * a.pos.size());
  cfg.seed = 2;
  Run e = simulate_all(ref, cfg, 120000, 1);
  CHECK(e.bytes != a.bytes);
}
