#include "dvhpc/shard_spill.hpp"

#include <cerrno>
#include <cstring>

#include "dvhpc/error.hpp"

namespace dvhpc {
namespace {

constexpr char kMagic[9] = "DVSPILL1";
constexpr char kEnd[9] = "DVSPEND1";

void put_u64(std::string& s, int64_t v) { s.append(reinterpret_cast<const char*>(&v), sizeof v); }
int64_t get_u64(const char*& p) {
  int64_t v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

}  // namespace

SpillWriter::SpillWriter(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {
  fp_ = std::fopen(tmp_.c_str(), "wb");
  if (!fp_) throw Error(ErrorKind::Output, "cannot create '" + tmp_ + "': " + std::strerror(errno));
  put(kMagic, 8);
}

SpillWriter::~SpillWriter() {
  if (fp_) std::fclose(fp_);
  if (!committed_) std::remove(tmp_.c_str());
}

void SpillWriter::put(const void* data, int64_t n) {
  if (n > 0 && std::fwrite(data, 1, static_cast<size_t>(n), fp_) != static_cast<size_t>(n))
    throw Error(ErrorKind::Output, "cannot write '" + tmp_ + "' (disk full?)");
  at_ += n;
}

void SpillWriter::add_bytes(const std::string& name, const std::string& bytes) {
  index_.push_back({name, 0, at_, static_cast<int64_t>(bytes.size()), 0, 0});
  put(bytes.data(), static_cast<int64_t>(bytes.size()));
}

void SpillWriter::add_rows(const std::string& name, const void* data, int64_t rows, int64_t row_bytes) {
  index_.push_back({name, 1, at_, rows * row_bytes, rows, row_bytes});
  put(data, rows * row_bytes);
}

void SpillWriter::add_strings(const std::string& name, const std::vector<std::string>& v) {
  size_t width = 1;
  for (const auto& s : v) width = std::max(width, s.size());
  std::string packed(v.size() * width, '\0');
  for (size_t i = 0; i < v.size(); ++i) std::memcpy(&packed[i * width], v[i].data(), v[i].size());
  const int64_t rows = static_cast<int64_t>(v.size());
  index_.push_back({name, 2, at_, static_cast<int64_t>(packed.size()), rows, static_cast<int64_t>(width)});
  put(packed.data(), static_cast<int64_t>(packed.size()));
}

void SpillWriter::commit() {
  std::string idx;
  for (const auto& s : index_) {
    put_u64(idx, static_cast<int64_t>(s.name.size()));
    idx += s.name;
    put_u64(idx, s.kind);
    put_u64(idx, s.offset);
    put_u64(idx, s.bytes);
    put_u64(idx, s.rows);
    put_u64(idx, s.row_bytes);
  }
  const int64_t idx_at = at_;
  put_u64(idx, idx_at);
  put_u64(idx, static_cast<int64_t>(index_.size()));
  idx.append(kEnd, 8);
  put(idx.data(), static_cast<int64_t>(idx.size()));
  const bool closed = std::fclose(fp_) == 0;
  fp_ = nullptr;
  if (!closed) throw Error(ErrorKind::Output, "cannot write '" + tmp_ + "' (disk full?)");
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw Error(ErrorKind::Output, "cannot rename '" + tmp_ + "': " + std::strerror(errno));
  committed_ = true;
}

SpillReader::SpillReader(const std::string& path) : path_(path) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::Input, "shard file '" + path_ + "' " + why + " (remove it to recompute the shard)");
  };
  fp_ = std::fopen(path.c_str(), "rb");
  if (!fp_) throw Error(ErrorKind::Input, "cannot open shard file '" + path + "': " + std::strerror(errno));
  char tail[24];
  if (std::fseek(fp_, -24, SEEK_END) != 0 || std::fread(tail, 1, 24, fp_) != 24 || std::memcmp(tail + 16, kEnd, 8))
    throw bad("is truncated");
  const int64_t size = std::ftell(fp_);
  const char* p = tail;
  const int64_t idx_at = get_u64(p), n = get_u64(p);
  if (idx_at < 8 || idx_at > size - 24 || n < 0 || n > 1000) throw bad("has a damaged index");
  std::string idx(static_cast<size_t>(size - 24 - idx_at), '\0');
  if (std::fseek(fp_, idx_at, SEEK_SET) != 0 || std::fread(idx.data(), 1, idx.size(), fp_) != idx.size())
    throw bad("cannot be read");
  p = idx.data();
  const char* end = idx.data() + idx.size();
  for (int64_t i = 0; i < n; ++i) {
    if (end - p < 8) throw bad("has a damaged index");
    const int64_t len = get_u64(p);
    if (len < 0 || end - p < len + 40) throw bad("has a damaged index");
    SpillSection s;
    s.name.assign(p, static_cast<size_t>(len));
    p += len;
    s.kind = static_cast<int>(get_u64(p));
    s.offset = get_u64(p);
    s.bytes = get_u64(p);
    s.rows = get_u64(p);
    s.row_bytes = get_u64(p);
    if (s.offset < 8 || s.bytes < 0 || s.offset + s.bytes > idx_at || (s.kind != 0 && s.rows * s.row_bytes != s.bytes))
      throw bad("has a damaged index");
    by_name_.emplace(s.name, index_.size());  // the first of a repeated name, as find_section
    index_.push_back(std::move(s));
  }
}

SpillReader::~SpillReader() {
  if (fp_) std::fclose(fp_);
}

bool SpillReader::valid(const std::string& path) {
  try {
    SpillReader r(path);
    return true;
  } catch (const Error&) {
    return false;
  }
}

const SpillSection& find_section(const std::vector<SpillSection>& index, const std::string& name,
                                 const std::string& path) {
  for (const auto& s : index)
    if (s.name == name) return s;
  throw Error(ErrorKind::Input, "shard file '" + path + "' has no section '" + name + "'");
}

const SpillSection& SpillReader::section(const std::string& name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return find_section(index_, name, path_);  // throws, naming the file
  return index_[it->second];
}

void SpillReader::read(const std::string& name, int64_t offset, int64_t n, void* out) const {
  const SpillSection& s = section(name);
  DVHPC_ASSERT(offset >= 0 && n >= 0 && offset + n <= s.bytes, "read outside a spill section");
  if (n == 0) return;
  if (std::fseek(fp_, s.offset + offset, SEEK_SET) != 0 ||
      std::fread(out, 1, static_cast<size_t>(n), fp_) != static_cast<size_t>(n))
    throw Error(ErrorKind::Input, "cannot read section '" + name + "' of shard file '" + path_ + "'");
}

void SpillReader::read_strings(const std::string& name, int64_t row0, int64_t n, int64_t width, char* out) const {
  const SpillSection& s = section(name);
  DVHPC_ASSERT(s.kind == 2 && width >= s.row_bytes, "string section read at a narrower width");
  std::string buf(static_cast<size_t>(n * s.row_bytes), '\0');
  read(name, row0 * s.row_bytes, n * s.row_bytes, buf.data());
  std::memset(out, 0, static_cast<size_t>(n * width));
  for (int64_t i = 0; i < n; ++i) std::memcpy(out + i * width, buf.data() + i * s.row_bytes, static_cast<size_t>(s.row_bytes));
}

}  // namespace dvhpc
