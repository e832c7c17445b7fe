// One finished shard's outputs, on disk in their final form until the whole
// output is assembled (ordered_pieces.hpp): named sections of bytes (a
// compressed piece of a VCF) and of rows (a column of PREFIX.h5; strings at
// a fixed width, the shard's longest). Sections are written as they are
// added, so a shard's outputs need not all be in memory at once.
//
// Layout: "DVSPILL1", the sections back to back, an index (name, kind,
// offset, bytes, rows, row bytes per section), then the index offset, the
// section count and "DVSPEND1". The file is written under "<path>.tmp" and
// renamed by commit(): a spill file that exists is complete, which is what
// lets an interrupted run reuse it (shard_cache.hpp).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace dvhpc {

struct SpillSection {
  std::string name;
  int kind = 0;            // 0 bytes, 1 rows, 2 fixed-width strings
  int64_t offset = 0;      // in the file
  int64_t bytes = 0;
  int64_t rows = 0;        // kinds 1 and 2
  int64_t row_bytes = 0;   // kinds 1 and 2 (strings: the width)
};

// The section `name` of a spill file's index; Error(Input) naming `path` if absent.
const SpillSection& find_section(const std::vector<SpillSection>& index, const std::string& name,
                                 const std::string& path);

class SpillWriter {
 public:
  explicit SpillWriter(std::string path);
  ~SpillWriter();  // removes the temporary unless committed
  SpillWriter(const SpillWriter&) = delete;
  SpillWriter& operator=(const SpillWriter&) = delete;

  void add_bytes(const std::string& name, const std::string& bytes);
  // `rows` rows of `row_bytes` bytes each, row-major.
  void add_rows(const std::string& name, const void* data, int64_t rows, int64_t row_bytes);
  template <typename T>
  void add_rows(const std::string& name, const std::vector<T>& v, int64_t elems_per_row) {
    add_rows(name, v.data(), elems_per_row > 0 ? static_cast<int64_t>(v.size()) / elems_per_row : 0,
             elems_per_row * static_cast<int64_t>(sizeof(T)));
  }
  void add_strings(const std::string& name, const std::vector<std::string>& v);
  void commit();
  // The sections written (sizes, rows, widths), so the writer need not read the file back.
  const std::vector<SpillSection>& sections() const { return index_; }

 private:
  void put(const void* data, int64_t n);
  std::string path_, tmp_;
  std::FILE* fp_ = nullptr;
  int64_t at_ = 0;
  std::vector<SpillSection> index_;
  bool committed_ = false;
};

class SpillReader {
 public:
  // Throws Error(Input) when the file is missing, truncated or not a spill file.
  explicit SpillReader(const std::string& path);
  ~SpillReader();
  SpillReader(const SpillReader&) = delete;
  SpillReader& operator=(const SpillReader&) = delete;

  // Returns whether `path` is a complete spill file (for resuming).
  static bool valid(const std::string& path);

  const SpillSection& section(const std::string& name) const;
  const std::vector<SpillSection>& sections() const { return index_; }
  // Bytes [offset, offset + n) of a section.
  void read(const std::string& name, int64_t offset, int64_t n, void* out) const;
  // Rows [row0, row0 + n) of a string section, each padded with NULs to `width` (>= the section's width).
  void read_strings(const std::string& name, int64_t row0, int64_t n, int64_t width, char* out) const;

 private:
  std::string path_;
  std::FILE* fp_ = nullptr;
  std::vector<SpillSection> index_;
  // Section by name: joint keeps one section per region in one file, read
  // piece after piece, so a linear search per read would be quadratic.
  std::unordered_map<std::string, size_t> by_name_;
};

// Reads held shards piece after piece, opening each spill file once per run
// of reads from it (the ordered writers read a shard's rows in order).
class SpillCursor {
 public:
  explicit SpillCursor(std::function<std::string(int64_t)> path_of) : path_of_(std::move(path_of)) {}
  const SpillReader& at(int64_t shard) {
    if (shard != shard_ || !reader_) {
      reader_ = std::make_unique<SpillReader>(path_of_(shard));
      shard_ = shard;
    }
    return *reader_;
  }

 private:
  std::function<std::string(int64_t)> path_of_;
  std::unique_ptr<SpillReader> reader_;
  int64_t shard_ = -1;
};

}  // namespace dvhpc
