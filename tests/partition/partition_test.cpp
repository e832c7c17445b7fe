#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include "../io/test_reads.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/partition.hpp"
#include "dvhpc/reads.hpp"

using namespace dvhpc;

namespace {
std::vector<Shard> n_shards(size_t n) {
  std::vector<Shard> s(n);
  for (size_t i = 0; i < n; ++i) s[i].index = static_cast<int64_t>(i);
  return s;
}

double max_load(const std::vector<std::vector<int64_t>>& a, const std::vector<double>& w) {
  double m = 0;
  for (const auto& r : a) {
    double s = 0;
    for (auto i : r) s += w[static_cast<size_t>(i)];
    m = std::max(m, s);
  }
  return m;
}

// Every shard exactly once, in order, ranks holding contiguous runs.
void check_contiguous_cover(const std::vector<std::vector<int64_t>>& a, size_t n) {
  int64_t next = 0;
  for (const auto& r : a)
    for (auto i : r) CHECK(i == next++);
  CHECK(next == static_cast<int64_t>(n));
}

// Optimal contiguous bottleneck by dynamic programming (small inputs).
double optimum(const std::vector<double>& w, int k) {
  const size_t n = w.size();
  std::vector<double> pre(n + 1, 0);
  for (size_t i = 0; i < n; ++i) pre[i + 1] = pre[i] + w[i];
  std::vector<std::vector<double>> dp(static_cast<size_t>(k) + 1, std::vector<double>(n + 1, 1e300));
  dp[0][0] = 0;
  for (int r = 1; r <= k; ++r)
    for (size_t j = 0; j <= n; ++j)
      for (size_t i = 0; i <= j; ++i)
        dp[static_cast<size_t>(r)][j] = std::min(dp[static_cast<size_t>(r)][j],
                                                 std::max(dp[static_cast<size_t>(r) - 1][i], pre[j] - pre[i]));
  return dp[static_cast<size_t>(k)][n];
}
}  // namespace

TEST_CASE("assign_shards: one rank, equal weights, a heavy shard, fewer shards than ranks") {
  auto one = assign_shards(n_shards(5), {1, 2, 3, 4, 5}, 1);
  REQUIRE(one.size() == 1);
  CHECK(one[0] == std::vector<int64_t>{0, 1, 2, 3, 4});

  std::vector<double> eq(10, 1.0);
  auto two = assign_shards(n_shards(10), eq, 2);
  CHECK(two[0].size() == 5);
  CHECK(two[1].size() == 5);

  std::vector<double> skew = {10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  auto s = assign_shards(n_shards(skew.size()), skew, 2);
  CHECK(s[0] == std::vector<int64_t>{0});
  CHECK(max_load(s, skew) == doctest::Approx(10));

  auto few = assign_shards(n_shards(2), {3, 4}, 4);
  REQUIRE(few.size() == 4);
  check_contiguous_cover(few, 2);
  CHECK(max_load(few, {3, 4}) == doctest::Approx(4));

  CHECK(assign_shards({}, {}, 3).size() == 3);
  CHECK_THROWS_AS(assign_shards(n_shards(2), {1}, 2), Error);
}

TEST_CASE("assign_shards: optimal contiguous bottleneck on random inputs, no idle rank") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + rng() % 14;
    const int k = 1 + static_cast<int>(rng() % 6);
    std::vector<double> w(n);
    for (auto& x : w) x = (rng() % 4 == 0) ? 0.0 : static_cast<double>(rng() % 1000) / 10.0;
    auto a = assign_shards(n_shards(n), w, k);
    CAPTURE(trial);
    REQUIRE(a.size() == static_cast<size_t>(k));
    check_contiguous_cover(a, n);
    CHECK(max_load(a, w) <= optimum(w, k) + 1e-6);
    if (n >= static_cast<size_t>(k))
      for (const auto& r : a) CHECK_FALSE(r.empty());
  }
}

TEST_CASE("partition: regions are normalised, N runs skipped, shards padded and clipped") {
  dvhpc::test::TempDir dir;
  const std::string c1 = std::string(2000, 'N') + std::string(5000, 'A') + std::string(1500, 'N') + std::string(1500, 'C');
  const auto fasta = dvhpc::test::write_fasta(dir, "r.fa", {{"chr1", c1}, {"chr2", std::string(3000, 'G')}});
  Reference ref(fasta);
  PartitionConfig pc;
  pc.min_n_run = 1000;
  pc.shard_size = 2000;
  pc.margin = 100;

  auto whole = whole_reference_regions(ref, pc);
  REQUIRE(whole.size() == 3);
  CHECK(whole[0] == Region{"chr1", 2000, 7000});
  CHECK(whole[1] == Region{"chr1", 8500, 10000});
  CHECK(whole[2] == Region{"chr2", 0, 3000});

  // Unsorted, overlapping, past the end: sorted by FASTA order, merged, clipped.
  auto norm = normalize_regions({{"chr2", 100, 200}, {"chr1", 50, 80}, {"chr1", 70, 90}, {"chr2", 2900, 9999}}, ref);
  REQUIRE(norm.size() == 3);
  CHECK(norm[0] == Region{"chr1", 50, 90});
  CHECK(norm[1] == Region{"chr2", 100, 200});
  CHECK(norm[2] == Region{"chr2", 2900, 3000});
  CHECK_THROWS_AS(normalize_regions({{"chr20", 0, 10}}, ref), Error);
  // Wholly past the end of its contig: an error that names it, not an empty call.
  try {
    normalize_regions({{"chr2", 3000, 4000}}, ref);
    FAIL("a region past the end of chr2 was accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("past the end of contig 'chr2' (length 3000") != std::string::npos);
  }

  auto shards = make_shards(whole, pc, ref);
  // 5000 -> 3 shards (1666, 1667, 1667), 1500 -> 1, 3000 -> 2.
  REQUIRE(shards.size() == 6);
  CHECK(shards[0].region == Region{"chr1", 2000, 3666});
  CHECK(shards[0].padded == Region{"chr1", 1900, 3766});
  CHECK(shards[2].region.end == 7000);
  CHECK(shards[4].region == Region{"chr2", 0, 1500});
  CHECK(shards[4].padded == Region{"chr2", 0, 1600});   // clipped at 0
  CHECK(shards[5].padded == Region{"chr2", 1400, 3000});  // clipped at the end
  for (size_t i = 0; i < shards.size(); ++i) CHECK(shards[i].index == static_cast<int64_t>(i));

  Config cfg;
  cfg.partition = pc;
  CHECK(target_regions(cfg, ref).size() == 3);
  std::ofstream(dir.file("t.bed")) << "track name=x\nchr2\t10\t20\nchr1\t0\t5\n";
  cfg.regions_bed = dir.file("t.bed");
  auto bed = target_regions(cfg, ref);
  REQUIRE(bed.size() == 2);
  CHECK(bed[0] == Region{"chr1", 0, 5});
  cfg.regions = {parse_region("chr2:1-100")};
  CHECK(target_regions(cfg, ref) == std::vector<Region>{{"chr2", 0, 100}});
}

TEST_CASE("partition: index-based weights follow the reads (NA12878)") {
  const std::string dir = std::string(DVHPC_SHARED_DATA) + "/na12878_hg19_chr20_10mb_illumina";
  if (!std::filesystem::exists(dir + "/NA12878_S1.chr20.10_10p1mb.bam")) {
    MESSAGE("SKIP: shared test data not found at " << dir << " (DVHPC_SHARED_DATA)");
    return;
  }
  Reference ref(dir + "/ucsc.hg19.chr20.unittest.fasta.gz");
  ReadLoader reads(dir + "/NA12878_S1.chr20.10_10p1mb.bam", ReadFilterConfig{});
  auto map = match_contigs(reads.contigs(), ref.contigs(), {}, false, reads.path(), ref.path());
  PartitionConfig pc;
  pc.shard_size = 50000;
  pc.margin = 0;
  // 9.8-10.3 Mb: reads only in 10.0-10.1 Mb.
  auto shards = make_shards({{"chr20", 9800000, 10300000}}, pc, ref);
  REQUIRE(shards.size() == 10);
  auto w = estimate_shard_weights(shards, reads, map);
  const double with_reads = w[4] + w[5], without = w[0] + w[1] + w[8] + w[9];
  MESSAGE("weights: " << w[0] << " " << w[4] << " " << w[5] << " " << w[9]);
  CHECK(with_reads > 40000);  // ~51,873 mapped reads in 10.0-10.1 Mb
  CHECK(with_reads < 65000);
  CHECK(without < 1000);
  auto a = assign_shards(shards, w, 2);
  // The two loaded shards go to different ranks.
  CHECK(a[0].back() == 4);
  CHECK(a[1].front() == 5);
}
