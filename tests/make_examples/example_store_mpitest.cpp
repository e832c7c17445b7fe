// make-examples writes the same example store at any rank count: the file
// written by all ranks of this run equals one written by rank 0 alone
// (MPI_COMM_SELF) from the same inputs, dataset by dataset; and the reader
// serves any index list. Runs under mpirun -np 1 and -np 2.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/example_store.hpp"
#include "dvhpc/make_examples.hpp"
#include "make_examples/example_data.hpp"

using namespace dvhpc;
namespace fs = std::filesystem;

namespace {
void run(const Comm& comm, const Config& cfg) {
  StageTimes times;
  CliArgs args;
  args.command = "make-examples";
  RunContext ctx{cfg, comm, times, args};
  run_make_examples(ctx);
}

template <typename T>
std::vector<T> all_rows(const ExampleStore& s, int64_t row, void (ExampleStore::*read)(const std::vector<int64_t>&, T*) const) {
  std::vector<int64_t> idx(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int64_t>(i);
  std::vector<T> out(idx.size() * static_cast<size_t>(row));
  (s.*read)(idx, out.data());
  return out;
}
}  // namespace

TEST_CASE("make-examples: same store at 1 and N ranks; reader serves index lists") {
  const Comm world = Comm::world();
  std::unique_ptr<test::TempDir> dir;
  test::ExampleData d;
  std::string path = world.is_root() ? (dir = std::make_unique<test::TempDir>())->path() : "";
  if (world.is_root()) d = test::make_example_data(*dir);
  path = world.broadcast(path);
  Config cfg;
  cfg.command = "make-examples";
  cfg.reference = world.broadcast(d.fasta);
  cfg.reads = {world.broadcast(d.bam)};
  cfg.truth.vcf = world.broadcast(d.vcf);
  cfg.truth.bed = world.broadcast(d.bed);
  cfg.partition.shard_size = 1000;  // 3 shards: both ranks get work at -np 2
  cfg.progress = false;
  cfg.output = path + "/all";
  run(world, cfg);
  if (world.is_root()) {
    Config solo = cfg;
    solo.output = path + "/solo";
    run(Comm(MPI_COMM_SELF), solo);
    cfg.truth = {};
    cfg.output = path + "/unlabelled";
    run(Comm(MPI_COMM_SELF), cfg);
  }
  world.barrier();
  if (!world.is_root()) return;

  ExampleStore a(path + "/all.examples.h5"), b(path + "/solo.examples.h5");
  REQUIRE(a.size() == 7);
  REQUIRE(b.size() == a.size());
  CHECK(a.height() == 100);
  CHECK(a.width() == 221);
  CHECK(a.channels() == 6);
  CHECK(a.feature_window() == 33);
  CHECK(a.feature_channels() == 18);
  CHECK(a.attribute("schema_version") == "1");
  CHECK(a.attribute("config").find("shard_size: 1000") != std::string::npos);
  CHECK(a.labels() == std::vector<int8_t>{1, 2, 1, 2, 1, 1, 2});
  CHECK(a.labels() == b.labels());
  for (const char* col : {"/meta/contig", "/meta/ref", "/meta/alt", "/meta/site_alts"})
    CHECK(a.strings(col) == b.strings(col));
  // The deletion is written left-aligned (anchor C at 1098, 1-based 1099):
  // local assembly realigns the reads' TT deletions in the T run.
  CHECK(a.int64s("/meta/pos") == std::vector<int64_t>{501, 801, 1099, 1401, 1701, 1701, 1701});
  CHECK(a.int8s("/meta/variant_type") == std::vector<int8_t>{0, 0, 2, 1, 0, 0, 0});
  CHECK(a.int32s("/meta/depth") == b.int32s("/meta/depth"));
  CHECK(a.int32s("/meta/alt_count") == b.int32s("/meta/alt_count"));
  CHECK(a.strings("/meta/alt")[6].find('|') != std::string::npos);
  const auto fa = all_rows<float>(a, a.feature_size(), &ExampleStore::read_features);
  const auto ia = all_rows<uint8_t>(a, a.image_size(), &ExampleStore::read_images);
  CHECK(fa == all_rows<float>(b, b.feature_size(), &ExampleStore::read_features));
  CHECK(ia == all_rows<uint8_t>(b, b.image_size(), &ExampleStore::read_images));

  // Unsorted, repeated indices give the same rows as the full read.
  const std::vector<int64_t> idx{5, 1, 1, 6, 0};
  std::vector<float> f(idx.size() * static_cast<size_t>(a.feature_size()));
  std::vector<uint8_t> im(idx.size() * static_cast<size_t>(a.image_size()));
  a.read_features(idx, f.data());
  a.read_images(idx, im.data());
  for (size_t k = 0; k < idx.size(); ++k) {
    const size_t fs_ = static_cast<size_t>(a.feature_size()), is = static_cast<size_t>(a.image_size());
    CHECK(std::equal(f.begin() + k * fs_, f.begin() + (k + 1) * fs_, fa.begin() + idx[k] * fs_));
    CHECK(std::equal(im.begin() + k * is, im.begin() + (k + 1) * is, ia.begin() + idx[k] * is));
  }
  CHECK(a.read_labels(idx) == std::vector<int8_t>{1, 2, 2, 2, 1});
  CHECK_THROWS_AS(a.read_labels({7}), Error);

  // Without truth: the same candidates, unlabelled.
  ExampleStore u(path + "/unlabelled.examples.h5");
  CHECK(u.size() == 7);
  CHECK(u.labels() == std::vector<int8_t>(7, -1));
  CHECK(all_rows<float>(u, u.feature_size(), &ExampleStore::read_features) == fa);
}
