// The collective VCF writer gives the same bytes at any rank count.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dvhpc/comm.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "test_util.hpp"

using namespace dvhpc;
using dvhpc::test::slurp;


TEST_CASE("write_vcf_collective: byte-identical to a single writer, shards in order") {
  Comm w = Comm::world();
  const std::vector<std::string> header = {"##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">"};
  const std::vector<VcfContig> contigs = {{"c1", 100000}};
  auto shard_text = [](int64_t i) {
    std::string t;
    for (int k = 0; k < 50; ++k)
      t += "c1\t" + std::to_string(i * 1000 + k * 10 + 1) + "\t.\tA\tC\t.\tPASS\tDP=" + std::to_string(k) + "\n";
    return t;
  };
  // 10 shards dealt round-robin, each rank's list in reverse to prove sorting.
  std::vector<std::pair<int64_t, std::string>> mine;
  for (int64_t i = 9; i >= 0; --i)
    if (i % w.size() == w.rank()) mine.emplace_back(i, shard_text(i));

  std::string dir = w.broadcast(w.is_root() ? std::filesystem::temp_directory_path().string() +
                                                  "/dvhpc-vcfmpi-" + std::to_string(::getpid())
                                            : std::string());
  if (w.is_root()) std::filesystem::create_directories(dir);
  w.barrier();
  int64_t n = write_vcf_collective(w, dir + "/all.vcf.gz", header, contigs, {}, mine);
  if (w.is_root()) {
    CHECK(n == 500);
    VcfWriter single(dir + "/ref.vcf.gz", header, contigs, {});
    for (int64_t i = 0; i < 10; ++i) single.write_block(shard_text(i));
    single.finish();
    CHECK(slurp(dir + "/all.vcf.gz") == slurp(dir + "/ref.vcf.gz"));
    std::filesystem::remove_all(dir);
  }
  w.barrier();
}
