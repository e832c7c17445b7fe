#include "dvhpc/model_path.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "dvhpc/error.hpp"
#include "test_util.hpp"

using namespace dvhpc;

namespace {
// Runs the test body in `dir` and goes back to the old working directory.
struct Chdir {
  explicit Chdir(const std::string& dir) : old(std::filesystem::current_path()) { std::filesystem::current_path(dir); }
  ~Chdir() { std::filesystem::current_path(old); }
  std::filesystem::path old;
};
}  // namespace

TEST_CASE("relative model paths: working directory, then each root in order") {
  test::TempDir t;
  std::filesystem::create_directories(t.file("cwd/models"));
  std::filesystem::create_directories(t.file("install/share/dvhpc/models"));
  std::filesystem::create_directories(t.file("src/models"));
  t.write("install/share/dvhpc/models/rnn.h5", "installed");
  t.write("src/models/rnn.h5", "source");
  t.write("src/models/cnn.h5", "source");
  const std::vector<std::string> roots = {t.file("install/share/dvhpc"), t.file("src")};
  Chdir in(t.file("cwd"));

  // The install is searched before the source tree.
  CHECK(resolve_model_path("models/rnn.h5", "model.rnn", roots) == t.file("install/share/dvhpc/models/rnn.h5"));
  // A file only in the source tree is still found there.
  CHECK(resolve_model_path("models/cnn.h5", "model.cnn", roots) == t.file("src/models/cnn.h5"));
  // A file of the user's own, from the working directory, wins over both.
  t.write("cwd/models/rnn.h5", "mine");
  CHECK(resolve_model_path("models/rnn.h5", "model.rnn", roots) == "models/rnn.h5");
  // A directory of the model's name is not a model file.
  std::filesystem::create_directories(t.file("cwd/models/cnn.h5"));
  CHECK(resolve_model_path("models/cnn.h5", "model.cnn", roots) == t.file("src/models/cnn.h5"));
}

TEST_CASE("absolute model paths are used as given, never searched") {
  test::TempDir t;
  std::filesystem::create_directories(t.file("root") + t.path());
  const std::string abs = t.file("rnn.h5");
  t.write("root" + abs, "under a root");  // would be found if roots were searched
  const std::vector<std::string> roots = {t.file("root")};
  try {
    resolve_model_path(abs, "model.rnn", roots);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Input);
    CHECK(std::string(e.what()).find("under a root") == std::string::npos);
    CHECK(std::string(e.what()).find(t.file("root") + abs) == std::string::npos);
  }
  t.write("rnn.h5", "x");
  CHECK(resolve_model_path(abs, "model.rnn", roots) == abs);
}

TEST_CASE("a missing model names the key and every path tried, in order") {
  test::TempDir t;
  const std::vector<std::string> roots = {t.file("a"), t.file("b")};
  try {
    resolve_model_path("models/none.h5", "model.cnn", roots);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Input);
    const std::string m = e.what();
    CHECK(m.find("config key 'model.cnn'") != std::string::npos);
    const size_t cwd = m.find("'models/none.h5' (from the working directory)");
    const size_t a = m.find("'" + t.file("a") + "/models/none.h5'");
    const size_t b = m.find("'" + t.file("b") + "/models/none.h5'");
    REQUIRE(cwd != std::string::npos);
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    CHECK(cwd < a);
    CHECK(a < b);
  }
  CHECK_THROWS_AS(resolve_model_path("", "model.rnn", roots), Error);
}

TEST_CASE("the default roots: the install beside the executable, then the source tree") {
  const std::string exe = executable_dir();
  REQUIRE(!exe.empty());
  // The test binary itself lives in that directory.
  CHECK(std::filesystem::exists(exe + "/dvhpc_unit_tests"));
  const std::vector<std::string> roots = model_search_roots();
  REQUIRE(roots.size() == 2);
  CHECK(std::filesystem::weakly_canonical(roots[0]) ==
        std::filesystem::weakly_canonical(exe + "/../share/dvhpc"));
  CHECK(roots[0].find("..") == std::string::npos);
  CHECK(std::filesystem::equivalent(roots[1], DVHPC_SOURCE_DIR));
  // From the build tree the shipped models are found in the source tree.
  test::TempDir elsewhere;
  Chdir in(elsewhere.path());
  CHECK(std::filesystem::equivalent(resolve_model_path("models/rnn.h5", "model.rnn"),
                                    std::string(DVHPC_SOURCE_DIR) + "/models/rnn.h5"));
}
