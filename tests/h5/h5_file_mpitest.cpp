// Parallel HDF5 writes: rows land in rank order, compressed, and the file
// appears only on commit(). Runs at 1 and 2 ranks.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/h5_file.hpp"

using namespace dvhpc;
namespace fs = std::filesystem;

namespace {
std::string shared_tmpdir(const Comm& w, const std::string& tag) {
  std::string dir = w.broadcast(fs::temp_directory_path().string() + "/dvhpc-" + tag + "-" +
                                std::to_string(::getpid()));
  if (w.is_root()) fs::create_directories(dir);
  w.barrier();
  return dir;
}

// Reads a whole dataset back with serial HDF5 (rank 0 only).
template <typename T>
std::vector<T> read_all(const std::string& file, const std::string& name, hid_t type) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  hid_t s = H5Dget_space(d);
  hssize_t n = H5Sget_simple_extent_npoints(s);
  std::vector<T> out(static_cast<size_t>(n));
  if (n > 0) H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  return out;
}
}  // namespace

TEST_CASE("H5File: collective columns, matrices, strings and attributes") {
  Comm w = Comm::world();
  std::string dir = shared_tmpdir(w, "h5");
  std::string path = dir + "/t.h5";
  {
    H5File f(w, path);
    f.create_group("/calls");
    // Rank r contributes r+2 rows: values 100*r + i.
    std::vector<int64_t> pos;
    std::vector<std::string> names;
    for (int i = 0; i < w.rank() + 2; ++i) {
      pos.push_back(100 * w.rank() + i);
      names.push_back(std::string(static_cast<size_t>(i + 1), char('a' + w.rank())));
    }
    f.write_column("/calls/pos", pos);
    f.write_column("/calls/name", names);
    std::vector<int8_t> gt(pos.size() * 3, static_cast<int8_t>(w.rank()));
    f.write_matrix("/genotypes", gt, 3);
    f.write_column("/empty", std::vector<float>{});
    f.write_attribute("/", "dvhpc_version", "test-1");
    if (w.is_root()) CHECK_FALSE(fs::exists(path));
    f.commit();
  }
  if (w.is_root()) {
    REQUIRE(fs::exists(path));
    auto pos = read_all<int64_t>(path, "/calls/pos", H5T_NATIVE_INT64);
    std::vector<int64_t> want;
    for (int r = 0; r < w.size(); ++r)
      for (int i = 0; i < r + 2; ++i) want.push_back(100 * r + i);
    CHECK(pos == want);
    auto gt = read_all<int8_t>(path, "/genotypes", H5T_NATIVE_INT8);
    CHECK(gt.size() == want.size() * 3);
    CHECK(gt.back() == w.size() - 1);
    CHECK(read_all<float>(path, "/empty", H5T_NATIVE_FLOAT).empty());
    for (const auto& e : fs::directory_iterator(dir))
      CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  }
  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}

TEST_CASE("H5File: an unfinished file leaves nothing under the final name") {
  Comm w = Comm::world();
  std::string dir = shared_tmpdir(w, "h5b");
  {
    H5File f(w, dir + "/x.h5");
    f.write_column("/a", std::vector<int32_t>{1, 2, 3});
  }  // no commit: as when an error unwinds
  w.barrier();
  if (w.is_root()) {
    CHECK(fs::is_empty(dir));
    fs::remove_all(dir);
  }
  CHECK_THROWS_AS(H5File(w, "/nonexistent-dir/x.h5"), Error);
}
