// Phenotype tables and folds of `dvhpc gp`: matching by FID+IID or IID,
// missing values, trait selection, and a clear error for every bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "dvhpc/error.hpp"
#include "src/gp/phenotypes.hpp"
#include "test_util.hpp"

using namespace dvhpc;
using namespace dvhpc::gp;

namespace {

std::vector<SampleId> samples() { return {{"F1", "a"}, {"F1", "b"}, {"F2", "c"}, {"F3", "d"}}; }

std::string error_of(const std::string& table, const std::vector<std::string>& traits = {}) {
  test::TempDir dir;
  try {
    read_phenotypes(dir.write("p.txt", table), samples(), traits);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Input);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("phenotype table: FID IID matching, NA, selected traits") {
  test::TempDir dir;
  const auto path = dir.write("p.txt", "#FID\tIID\th\tw\nF2 c 1.5 NA\nF1\ta\t-2\t3e1\n\nF3 d nan 4\n");
  const Phenotypes all = read_phenotypes(path, samples(), {});
  REQUIRE(all.traits == std::vector<std::string>{"h", "w"});
  CHECK(all.values[0][0] == -2);
  CHECK(std::isnan(all.values[0][1]));  // no row for F1 b
  CHECK(all.values[0][2] == 1.5);
  CHECK(std::isnan(all.values[0][3]));
  CHECK(all.values[1][0] == 30);
  CHECK(std::isnan(all.values[1][2]));
  const Phenotypes w = read_phenotypes(path, samples(), {"w"});
  REQUIRE(w.traits == std::vector<std::string>{"w"});
  CHECK(w.values[0][3] == 4);
  // IID-only tables match by IID.
  const Phenotypes by_iid = read_phenotypes(dir.write("q.txt", "IID t\nd 7\n"), samples(), {});
  CHECK(by_iid.values[0][3] == 7);
  // Windows line ends.
  CHECK(read_phenotypes(dir.write("r.txt", "FID IID t\r\nF1 b 2\r\n"), samples(), {}).values[0][1] == 2);
}

TEST_CASE("phenotype table errors name the file, line and sample") {
  CHECK(error_of("F1 a 1\n").find("header 'FID IID trait...'") != std::string::npos);
  CHECK(error_of("FID IID t\nF9 a 1\n").find(":2: sample 'F9 a' (FID IID) is not in the genotypes") != std::string::npos);
  CHECK(error_of("FID IID t\nF1 a 1\nF1 a 2\n").find(":3: sample 'a' appears twice (also line 2)") != std::string::npos);
  CHECK(error_of("FID IID t\nF1 a x1\n").find("'x1' is not a number") != std::string::npos);
  CHECK(error_of("FID IID t\nF1 a\n").find(":2: 2 fields, the header has 3") != std::string::npos);
  CHECK(error_of("FID IID t\nF1 a 1\n", {"u"}).find("trait 'u' is not a column") != std::string::npos);
  CHECK(error_of("FID IID\nF1 a\n").find("names no trait") != std::string::npos);
  CHECK(error_of("IID t\nzz 1\n").find("IID 'zz' is not in the genotypes") != std::string::npos);
  // An IID shared by two genotyped samples cannot be matched without FID.
  test::TempDir dir;
  std::vector<SampleId> twice{{"A", "x"}, {"B", "x"}};
  CHECK_THROWS_WITH_AS(read_phenotypes(dir.write("p.txt", "IID t\nx 1\n"), twice, {}),
                       doctest::Contains("belongs to several genotyped samples"), Error);
}

TEST_CASE("folds: drawn folds are balanced and seeded, fold tables are matched") {
  std::vector<bool> use(103, true);
  use[5] = use[50] = false;
  const auto f1 = random_folds(use, 5, 7), f2 = random_folds(use, 5, 7), f3 = random_folds(use, 5, 8);
  CHECK(f1 == f2);
  CHECK(f1 != f3);
  CHECK(f1[5] == -1);
  CHECK(f1[50] == -1);
  int count[5] = {0, 0, 0, 0, 0};
  for (int f : f1)
    if (f >= 0) ++count[f];
  for (int c : count) CHECK((c == 20 || c == 21));

  test::TempDir dir;
  int k = 0;
  const auto folds = read_folds(dir.write("f.txt", "FID IID fold\nF1 a 10\nF2 c 3\nF3 d 10\n"), samples(), &k);
  CHECK(k == 2);
  CHECK(folds == std::vector<int>{1, -1, 0, 1});
  CHECK_THROWS_WITH_AS(read_folds(dir.write("g.txt", "F1 a 1\nF1 b 1\n"), samples(), &k),
                       doctest::Contains("at least 2 folds"), Error);
  CHECK_THROWS_WITH_AS(read_folds(dir.write("h.txt", "F1 a 1\nF7 b 2\n"), samples(), &k),
                       doctest::Contains("h.txt (data row 2): sample 'F7 b' (FID IID) is not in the genotypes"), Error);
  CHECK_THROWS_WITH_AS(read_folds(dir.write("i.txt", "F1 a one\n"), samples(), &k),
                       doctest::Contains("is not an integer"), Error);
}
