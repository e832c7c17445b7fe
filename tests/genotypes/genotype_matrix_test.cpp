// The 2-bit genotype layer: codes round-trip, the code-count kernel and the
// host row decoder (the CPU's vector path) agree with a plain loop on rows
// of every length class (padding bits, tails shorter than a vector).
#include <doctest/doctest.h>

#include <Kokkos_Core.hpp>

#include <random>
#include <string>
#include <type_traits>

#include "dvhpc/genotype_matrix.hpp"
#include "kernels/genotype_decode_host.hpp"
#include "kernels/genotype_tile.hpp"
#include "src/pca/standardized_genotypes.hpp"

using namespace dvhpc;

namespace {
GenotypeMatrix random_matrix(int64_t variants, int64_t samples, uint32_t seed) {
  std::mt19937 rng(seed);
  GenotypeMatrix m;
  for (int64_t s = 0; s < samples; ++s) m.samples.push_back({"F" + std::to_string(s), "I" + std::to_string(s)});
  for (int64_t v = 0; v < variants; ++v) {
    uint8_t* row = m.add_variant(v, VariantId{"1", v + 1, "v" + std::to_string(v), "A", "G"});
    for (int64_t s = 0; s < samples; ++s) set_code(row, s, static_cast<uint8_t>(rng() % 4));
  }
  m.total_variants = variants;
  return m;
}
}  // namespace

TEST_CASE("genotype codes: PLINK .bed meaning and round trip") {
  CHECK(alt_copies(gcode::kTwo) == 2);
  CHECK(alt_copies(gcode::kOne) == 1);
  CHECK(alt_copies(gcode::kZero) == 0);
  CHECK(alt_copies(gcode::kMissing) == -1);
  for (int g : {0, 1, 2, -1}) CHECK(alt_copies(code_of(g)) == g);
  std::vector<uint8_t> row(packed_row_bytes(7), 0);
  const int g[7] = {0, 1, 2, -1, 2, 0, 1};
  for (int j = 0; j < 7; ++j) set_code(row.data(), j, code_of(g[j]));
  for (int j = 0; j < 7; ++j) CHECK(alt_copies(code_at(row.data(), j)) == g[j]);
  // Overwriting keeps the neighbours.
  set_code(row.data(), 3, code_of(0));
  CHECK(alt_copies(code_at(row.data(), 2)) == 2);
  CHECK(alt_copies(code_at(row.data(), 3)) == 0);
  CHECK(alt_copies(code_at(row.data(), 4)) == 2);
}

TEST_CASE("index runs split at gaps") {
  const auto runs = index_runs({3, 4, 5, 9, 10, 20});
  REQUIRE(runs.size() == 3);
  CHECK(runs[0] == std::pair<int64_t, int64_t>{0, 3});
  CHECK(runs[1] == std::pair<int64_t, int64_t>{3, 2});
  CHECK(runs[2] == std::pair<int64_t, int64_t>{5, 1});
  CHECK(index_runs({}).empty());
}

TEST_CASE("code counts kernel equals a plain count") {
  for (int64_t n : {1, 3, 4, 31, 32, 33, 64, 100, 257}) {
    const GenotypeMatrix m = random_matrix(17, n, static_cast<uint32_t>(n));
    const auto counts = count_codes(m);
    for (int64_t i = 0; i < m.local_variants(); ++i) {
      int64_t c[4] = {0, 0, 0, 0};
      for (int64_t j = 0; j < n; ++j) ++c[code_at(m.row(i), j)];
      for (int k = 0; k < 4; ++k) CHECK(counts[static_cast<size_t>(i)][static_cast<size_t>(k)] == c[k]);
    }
  }
}

TEST_CASE("host row decoder equals the plain loop at every length") {
  INFO("decoder: " << kernels::host_decode_isa());
  const float lut[4] = {1.5f, 0.0f, -0.25f, -2.0f};
  const auto decode = kernels::host_decode_row();
  for (int64_t n : {1, 2, 5, 8, 15, 16, 17, 31, 33, 100, 1001}) {
    const GenotypeMatrix m = random_matrix(3, n, static_cast<uint32_t>(7 * n));
    for (int64_t i = 0; i < 3; ++i) {
      std::vector<float> out(static_cast<size_t>(n) + 1, 99.0f);
      decode(m.row(i), n, lut, out.data());
      for (int64_t j = 0; j < n; ++j) CHECK(out[static_cast<size_t>(j)] == lut[code_at(m.row(i), j)]);
      CHECK(out[static_cast<size_t>(n)] == 99.0f);  // nothing written past the row
    }
  }
}

TEST_CASE("standardisation drops monomorphic and rare variants and uses plink2's scaling") {
  GenotypeMatrix m;
  for (int s = 0; s < 8; ++s) m.samples.push_back({"f", "s" + std::to_string(s)});
  auto add = [&](std::vector<int> g) {
    uint8_t* row = m.add_variant(m.local_variants(), VariantId{"1", 1, "v", "A", "C"});
    for (size_t s = 0; s < g.size(); ++s) set_code(row, static_cast<int64_t>(s), code_of(g[s]));
  };
  add({0, 0, 0, 0, 0, 0, 0, 0});     // monomorphic
  add({1, 1, 1, 1, 1, 1, 1, -1});    // all het: no variance either
  add({0, 0, 0, 0, 0, 0, 0, 1});     // MAF 1/16 = 0.0625
  add({0, 1, 2, -1, 0, 1, 2, 0});    // p = 6/14
  m.total_variants = m.local_variants();
  StandardizedGenotypes x(m, 0.1);
  CHECK(x.dropped_monomorphic() == 2);
  CHECK(x.dropped_maf() == 1);
  REQUIRE(x.rows() == 1);
  CHECK(x.kept()[0] == 3);
  CHECK(x.alt_freq()[0] == doctest::Approx(6.0 / 14.0));
  // X Q with Q = identity columns gives the standardised values themselves.
  std::vector<float> q(8 * 8, 0.0f), y(8);
  for (int j = 0; j < 8; ++j) q[static_cast<size_t>(j * 8 + j)] = 1.0f;
  x.multiply(q.data(), 8, y.data(), 8, nullptr);
  const double p = 6.0 / 14.0, sd = std::sqrt(2 * p * (1 - p));
  const int g[8] = {0, 1, 2, -1, 0, 1, 2, 0};
  for (int j = 0; j < 8; ++j) CHECK(y[static_cast<size_t>(j)] == doctest::Approx(g[j] < 0 ? 0.0 : (g[j] - 2 * p) / sd).epsilon(1e-6));
}

TEST_CASE("device-path genotype kernels (default execution space) equal the plain loops") {
  // Inputs and outputs in the default space's memory (the GPU's in the CUDA
  // build), as the launchers expect; copied back to compare.
  using DevSpace = Kokkos::DefaultExecutionSpace::memory_space;
  auto to_dev = [](const auto& v, const char* label) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    Kokkos::View<T*, DevSpace> d(std::string(label), v.size());
    Kokkos::deep_copy(d, Kokkos::View<const T*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
                             v.data(), v.size()));
    return d;
  };
  auto to_host = [](const auto& d) {
    std::vector<typename std::decay_t<decltype(d)>::non_const_value_type> v(d.extent(0));
    Kokkos::deep_copy(Kokkos::View<decltype(v.data()), Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
                          v.data(), v.size()),
                      d);
    return v;
  };
  for (int64_t n : {5, 64, 300}) {
    const GenotypeMatrix m = random_matrix(9, n, static_cast<uint32_t>(3 * n));
    const std::vector<int64_t> rows = {8, 0, 3};
    const auto packed = to_dev(m.packed, "packed");
    Kokkos::View<int64_t*, DevSpace> dcounts("counts", 9 * 4);
    kernels::count_codes(packed.data(), 9, m.row_bytes(), n, dcounts.data());
    const std::vector<int64_t> counts = to_host(dcounts);
    for (int64_t i = 0; i < 9; ++i) {
      int64_t c[4] = {0, 0, 0, 0};
      for (int64_t j = 0; j < n; ++j) ++c[code_at(m.row(i), j)];
      for (int k = 0; k < 4; ++k) CHECK(counts[static_cast<size_t>(i * 4 + k)] == c[k]);
    }
    const std::vector<float> lut = {1, 2, 3, 4, -1, -2, -3, -4, 0.5f, 0, -0.5f, -1};
    const auto drows = to_dev(rows, "rows");
    const auto dlut = to_dev(lut, "lut");
    Kokkos::View<float*, DevSpace> dtile("tile", static_cast<size_t>(3 * n));
    kernels::decode_tile(packed.data(), 9, m.row_bytes(), drows.data(), dlut.data(), 3, n, dtile.data());
    const std::vector<float> tile = to_host(dtile);
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t j = 0; j < n; ++j)
        CHECK(tile[static_cast<size_t>(r * n + j)] == lut[static_cast<size_t>(r * 4 + code_at(m.row(rows[static_cast<size_t>(r)]), j))]);
  }
}
