// A parallel-HDF5 file that all ranks write collectively, and that appears
// under its final name only when complete.
//
// Every rank contributes its own rows: either pieces placed anywhere in the
// global row order (write_ordered: a finished shard's rows at the offset its
// shard index gives, ordered_pieces.hpp), or one block per rank in rank order
// (write_column / write_matrix / write_array). Datasets are chunked in
// bounded tiles (about 64k elements: a wide row such as a genotype row of
// many samples is cut across its samples too) and deflate-compressed, which
// parallel HDF5 (>= 1.10.2) allows with collective transfers only. Rows are
// written in rounds of whole chunks (at most 64 MB per round over all ranks),
// so no rank buffers more than a round and no chunk is written twice. Every
// call here is collective and must be made by all ranks in the same order
// with the same names.
//
// The file is created as "<path>.tmp-<jobid>" and renamed by commit(); if the
// object is destroyed without commit() (an exception), the temporary is
// removed, so no partial file is left under the final name. Closing a
// parallel HDF5 file is collective, so while an exception unwinds on one rank
// the destructor does not close it (the other ranks may wait in another
// collective; main() aborts the job with the message).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dvhpc/ordered_pieces.hpp"

namespace dvhpc {

class OutputSet;

class Comm;

// Fixed-length string rows: the longest of `v` (at least 1), and rows
// [row0, row0 + n) of `v` NUL-padded to `width` bytes each into `out`.
int64_t widest(const std::vector<std::string>& v);
void copy_padded(const std::vector<std::string>& v, int64_t row0, int64_t n, int64_t width, char* out);

class H5File {
 public:
  H5File(const Comm& comm, std::string path);
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  // Creates a group (and parents), e.g. "/calls".
  void create_group(const std::string& name);

  // Collective 1-D column: this rank's `local` values become rows
  // [offset, offset + local.size()) of dataset `name`.
  void write_column(const std::string& name, const std::vector<int32_t>& local);
  void write_column(const std::string& name, const std::vector<int64_t>& local);
  void write_column(const std::string& name, const std::vector<float>& local);
  void write_column(const std::string& name, const std::vector<double>& local);
  // Strings are stored fixed-length (padded to the longest on any rank):
  // parallel HDF5 cannot write variable-length data collectively.
  void write_column(const std::string& name, const std::vector<std::string>& local);

  // Collective 2-D matrix [rows, cols]: this rank's rows (row-major).
  void write_matrix(const std::string& name, const std::vector<double>& local_rows, int64_t cols);
  void write_matrix(const std::string& name, const std::vector<int8_t>& local_rows, int64_t cols);

  // Collective N-D array [rows, row_shape...]: this rank's rows, row-major
  // (row_shape empty: a 1-D column). Chunked and compressed like the rest;
  // for uint8 images, int8 labels, float features [n, 33, 18] ...
  template <typename T>
  void write_array(const std::string& name, const std::vector<T>& local, const std::vector<int64_t>& row_shape);

  // Copies rows [row0, row0 + n) of this rank's piece `i` (row-major, in the
  // dataset's type) into `out`.
  using RowReader = std::function<void(size_t i, int64_t row0, int64_t n, void* out)>;
  // Collective: dataset [rows.total, row_shape...] of `type` with this rank's
  // pieces at their offsets (in rows).
  void write_ordered(const std::string& name, hid_t type, const std::vector<int64_t>& row_shape,
                     const PieceLayout& rows, const RowReader& read);
  // Collective: fixed-length strings, as wide as the widest on any rank
  // (`local_width`: this rank's widest). read(i, row0, n, width, out) writes
  // n NUL-padded strings of `width` bytes.
  using StringReader = std::function<void(size_t i, int64_t row0, int64_t n, int64_t width, char* out)>;
  void write_ordered_strings(const std::string& name, int64_t local_width, const PieceLayout& rows,
                             const StringReader& read);
  // Collective: the same with row r of this rank's piece i given by at(i, r);
  // the width is found from the strings themselves.
  using StringAt = std::function<const std::string&(size_t i, int64_t row)>;
  void write_ordered_strings(const std::string& name, const PieceLayout& rows, const StringAt& at);

  // A string attribute on an object ("/" for the file); value from rank 0.
  void write_attribute(const std::string& object, const std::string& name, const std::string& value);

  // Closes the file and renames it into place (collective); with `set`, the
  // rename is staged there and done by OutputSet::commit (output_set.hpp).
  void commit(OutputSet* set = nullptr);

  const std::string& path() const { return path_; }
  // Bytes per collective write round over all ranks (default 64 MB; tests
  // set it small to exercise many rounds).
  void set_round_bytes(int64_t bytes) { round_bytes_ = bytes; }

 private:
  template <typename T>
  void write_rows(const std::string& name, hid_t type, const T* data, int64_t local_rows, int64_t cols);
  void write_nd(const std::string& name, hid_t type, const void* data, int64_t local_rows,
                const std::vector<int64_t>& row_shape);

  const Comm& comm_;
  std::string path_, tmp_;
  hid_t file_ = -1;
  bool committed_ = false;
  int uncaught_ = 0;  // exceptions in flight when constructed
  int64_t round_bytes_ = int64_t{64} << 20;
};

}  // namespace dvhpc
