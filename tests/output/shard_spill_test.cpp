// Spill files: sections read back exactly, strings padded to any wider
// width, and a file cut short or damaged is recognised (so a resumed run
// recomputes that shard instead of using it).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "dvhpc/error.hpp"
#include "dvhpc/shard_spill.hpp"
#include "test_util.hpp"

using namespace dvhpc;
using dvhpc::test::TempDir;

TEST_CASE("SpillWriter/SpillReader round trip") {
  TempDir d;
  const std::string path = d.file("s.spill");
  {
    SpillWriter w(path);
    w.add_bytes("blob", std::string("\x1f\x8b\0abc", 6));
    w.add_rows("pos", std::vector<int64_t>{5, 6, 7}, 1);
    w.add_rows("gt", std::vector<int8_t>{0, 1, 2, 1, -1, 0}, 2);  // 3 rows x 2 samples
    w.add_strings("alt", {"A", "GTT", ""});
    CHECK_FALSE(std::filesystem::exists(path));  // only the temporary until commit
    w.commit();
  }
  REQUIRE(SpillReader::valid(path));
  SpillReader r(path);
  CHECK(r.section("blob").bytes == 6);
  std::string blob(6, '?');
  r.read("blob", 0, 6, blob.data());
  CHECK(blob == std::string("\x1f\x8b\0abc", 6));
  std::vector<int64_t> pos(2);
  r.read("pos", 8, 16, pos.data());  // rows 1..2
  CHECK(pos == std::vector<int64_t>{6, 7});
  CHECK(r.section("gt").rows == 3);
  CHECK(r.section("gt").row_bytes == 2);
  CHECK(r.section("alt").row_bytes == 3);
  std::string s(2 * 5, '?');
  r.read_strings("alt", 1, 2, 5, s.data());
  CHECK(s == std::string("GTT\0\0\0\0\0\0\0", 10));
  CHECK_THROWS_AS(r.section("nope"), Error);
}

TEST_CASE("SpillReader rejects truncated and foreign files, an uncommitted writer leaves nothing") {
  TempDir d;
  const std::string path = d.file("s.spill");
  {
    SpillWriter w(path);
    w.add_rows("pos", std::vector<int64_t>(1000, 3), 1);
    w.commit();
  }
  const auto size = std::filesystem::file_size(path);
  std::filesystem::copy_file(path, d.file("cut.spill"));
  std::filesystem::resize_file(d.file("cut.spill"), size - 5);
  CHECK_FALSE(SpillReader::valid(d.file("cut.spill")));
  CHECK_FALSE(SpillReader::valid(d.write("text.spill", "not a spill file at all, just some text here")));
  CHECK_FALSE(SpillReader::valid(d.file("missing.spill")));
  {
    SpillWriter w(d.file("never.spill"));
    w.add_bytes("x", "abc");
  }
  CHECK_FALSE(std::filesystem::exists(d.file("never.spill")));
  CHECK_FALSE(std::filesystem::exists(d.file("never.spill.tmp")));
}
