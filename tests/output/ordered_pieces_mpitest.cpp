// Outputs assembled from pieces that ranks hold in any order: the file (and
// the HDF5 rows) come out in key order at 1 and 2 ranks, identical to a
// serial concatenation, across MPI-IO chunk and HDF5 round boundaries.
#include <doctest/doctest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dvhpc/comm.hpp"
#include "mpi_test_util.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/ordered_pieces.hpp"

using namespace dvhpc;
using dvhpc::test::shared_dir;
namespace fs = std::filesystem;

namespace {
// Piece k: its bytes are a function of k; sizes vary, one crosses the 8 MB MPI-IO chunk.
std::string piece(int64_t k) {
  const size_t n = k == 3 ? (9u << 20) : static_cast<size_t>(1000 + 37 * k);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (k * 7 + i) % 26);
  return s;
}
}  // namespace

TEST_CASE("write_pieces: pieces land in key order whoever holds them") {
  Comm w = Comm::world();
  const std::string dir = shared_dir(w, "pieces");
  // Keys dealt round-robin, each rank's list in reverse (not in key order).
  std::vector<int64_t> keys, sizes;
  std::vector<std::string> mine;
  for (int64_t k = 9; k >= 0; --k)
    if (k % w.size() == w.rank()) {
      keys.push_back(k);
      mine.push_back(piece(k));
      sizes.push_back(static_cast<int64_t>(mine.back().size()));
    }
  const PieceLayout layout = layout_pieces(w, keys, {sizes})[0];
  write_pieces(w, dir + "/out", "HEAD", layout,
               [&](size_t i, int64_t off, int64_t n, char* out) { std::memcpy(out, mine[i].data() + off, n); }, "TAIL");
  if (w.is_root()) {
    std::string want = "HEAD";
    for (int64_t k = 0; k < 10; ++k) want += piece(k);
    want += "TAIL";
    std::ifstream in(dir + "/out", std::ios::binary);
    std::stringstream got;
    got << in.rdbuf();
    CHECK(got.str().size() == want.size());
    CHECK(got.str() == want);
    CHECK(layout.total == static_cast<int64_t>(want.size()) - 8);
  }
  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}

TEST_CASE("layout_pieces refuses a key held twice") {
  Comm w = Comm::world();
  CHECK_THROWS(layout_pieces(w, {1, 1}, {{5, 6}}));
}

TEST_CASE("H5File::write_ordered: rows in key order over many rounds, wide rows chunked across samples") {
  Comm w = Comm::world();
  const std::string dir = shared_dir(w, "h5ord");
  const int64_t ns = 70000;  // a row wider than one chunk (65536 elements)
  auto value = [](int64_t row, int64_t s) { return static_cast<int8_t>((row * 31 + s) % 127); };
  // Shard k holds k % 4 + 1 rows; shards dealt round-robin in reverse.
  std::vector<int64_t> keys, rows;
  for (int64_t k = 11; k >= 0; --k)
    if (k % w.size() == w.rank()) {
      keys.push_back(k);
      rows.push_back(k % 4 + 1);
    }
  const PieceLayout layout = layout_pieces(w, keys, {rows})[0];
  {
    H5File f(w, dir + "/m.h5");
    f.set_round_bytes(3 * ns);  // three rows per round: many collective rounds
    f.write_ordered("/g", H5T_NATIVE_INT8, {ns}, layout, [&](size_t i, int64_t row0, int64_t n, void* out) {
      int8_t* o = static_cast<int8_t*>(out);
      for (int64_t r = 0; r < n; ++r)
        for (int64_t s = 0; s < ns; ++s) o[r * ns + s] = value(layout.offsets[i] + row0 + r, s);
    });
    f.commit();
  }
  if (w.is_root()) {
    hid_t file = H5Fopen((dir + "/m.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(file, "/g", H5P_DEFAULT);
    hid_t sp = H5Dget_space(d);
    hsize_t dims[2];
    REQUIRE(H5Sget_simple_extent_ndims(sp) == 2);
    H5Sget_simple_extent_dims(sp, dims, nullptr);
    CHECK(dims[0] == 30);  // sum of k % 4 + 1 over k < 12
    CHECK(dims[1] == static_cast<hsize_t>(ns));
    hid_t dcpl = H5Dget_create_plist(d);
    hsize_t chunk[2];
    H5Pget_chunk(dcpl, 2, chunk);
    CHECK(chunk[1] * chunk[0] <= 65536);
    std::vector<int8_t> all(30 * ns);
    H5Dread(d, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data());
    int64_t bad = 0;
    for (int64_t r = 0; r < 30; ++r)
      for (int64_t s = 0; s < ns; ++s) bad += all[r * ns + s] != value(r, s);
    CHECK(bad == 0);
    H5Pclose(dcpl);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(file);
    fs::remove_all(dir);
  }
  w.barrier();
}
