#include "dvhpc/example_shards.hpp"

#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/pileup_image.hpp"
#include "dvhpc/shard_spill.hpp"
#include "dvhpc/version.hpp"

namespace dvhpc {
namespace fs = std::filesystem;

namespace {

// The datasets of the store, in the order they are written. `shape` is the
// row shape; strings have none (fixed width from the data).
struct Column {
  const char* name;
  enum Kind { U8, F32, I8, I32, I64, STR } kind;
  std::vector<int64_t> shape;
};

std::vector<Column> columns(const Config& cfg) {
  const PileupConfig& p = cfg.pileup;
  return {{"/cnn/images", Column::U8, {p.height, p.width, pileup_channels(p)}},
          {"/rnn/features", Column::F32, {p.feature_window, kNumFeatureChannels}},
          {"/labels", Column::I8, {}},
          {"/meta/contig", Column::STR, {}},
          {"/meta/pos", Column::I64, {}},
          {"/meta/ref", Column::STR, {}},
          {"/meta/alt", Column::STR, {}},
          {"/meta/site_alts", Column::STR, {}},
          {"/meta/variant_type", Column::I8, {}},
          {"/meta/depth", Column::I32, {}},
          {"/meta/alt_count", Column::I32, {}}};
}

hid_t h5_type(Column::Kind k) {
  switch (k) {
    case Column::U8: return H5T_NATIVE_UINT8;
    case Column::F32: return H5T_NATIVE_FLOAT;
    case Column::I8: return H5T_NATIVE_INT8;
    case Column::I32: return H5T_NATIVE_INT32;
    default: return H5T_NATIVE_INT64;
  }
}

const std::vector<std::string>& strings_of(const ExampleBuffer& b, const std::string& name) {
  if (name == "/meta/contig") return b.contig;
  if (name == "/meta/ref") return b.ref;
  if (name == "/meta/alt") return b.alt;
  return b.site_alts;
}

// The buffer's rows of a numeric column, as bytes.
std::pair<const void*, size_t> numeric_of(const ExampleBuffer& b, const std::string& name) {
  if (name == "/cnn/images") return {b.images.data(), b.images.size()};
  if (name == "/rnn/features") return {b.features.data(), b.features.size() * sizeof(float)};
  if (name == "/labels") return {b.labels.data(), b.labels.size()};
  if (name == "/meta/pos") return {b.pos.data(), b.pos.size() * sizeof(int64_t)};
  if (name == "/meta/variant_type") return {b.variant_type.data(), b.variant_type.size()};
  if (name == "/meta/depth") return {b.depth.data(), b.depth.size() * sizeof(int32_t)};
  return {b.alt_count.data(), b.alt_count.size() * sizeof(int32_t)};
}

void write_attributes(H5File& f, const Config& cfg) {
  const PileupConfig& p = cfg.pileup;
  f.write_attribute("/", "config", cfg.to_yaml());
  f.write_attribute("/", "versions", version_report());
  f.write_attribute("/", "pileup_height", std::to_string(p.height));
  f.write_attribute("/", "pileup_width", std::to_string(p.width));
  f.write_attribute("/", "pileup_channels", std::to_string(pileup_channels(p)));
  f.write_attribute("/", "feature_window", std::to_string(p.feature_window));
  f.write_attribute("/", "feature_channels", std::to_string(kNumFeatureChannels));
  f.write_attribute("/", "schema_version", "1");
}

// Reads rows of column `c` of this rank's piece `i` (numeric: into `out` as
// is; strings: padded to `width`).
using ColumnReader = std::function<void(const Column& c, size_t i, int64_t row0, int64_t n, int64_t width, char* out)>;

void write_datasets(const Comm& comm, const std::string& path, const Config& cfg, const PieceLayout& rows,
                 const std::vector<int64_t>& local_widths, const ColumnReader& read) {
  H5File f(comm, path);
  f.create_group("/cnn");
  f.create_group("/rnn");
  f.create_group("/meta");
  size_t s = 0;
  for (const Column& c : columns(cfg)) {
    if (c.kind == Column::STR) {
      f.write_ordered_strings(c.name, local_widths[s++], rows, [&](size_t i, int64_t r0, int64_t n, int64_t w, char* o) {
        read(c, i, r0, n, w, o);
      });
    } else {
      f.write_ordered(c.name, h5_type(c.kind), c.shape, rows, [&](size_t i, int64_t r0, int64_t n, void* o) {
        read(c, i, r0, n, 0, static_cast<char*>(o));
      });
    }
  }
  write_attributes(f, cfg);
  f.commit();
}

}  // namespace

void write_example_store(const Comm& comm, const std::string& path, const ExampleBuffer& b, const Config& cfg) {
  const PieceLayout rows = rank_order_layout(comm, static_cast<int64_t>(b.size()));
  std::vector<int64_t> widths;
  for (const Column& c : columns(cfg))
    if (c.kind == Column::STR) widths.push_back(widest(strings_of(b, c.name)));
  write_datasets(comm, path, cfg, rows, widths, [&](const Column& c, size_t, int64_t r0, int64_t k, int64_t w, char* o) {
    if (c.kind == Column::STR) return copy_padded(strings_of(b, c.name), r0, k, w, o);
    const size_t row_bytes = numeric_of(b, c.name).second / std::max<size_t>(1, b.size());
    std::memcpy(o, static_cast<const char*>(numeric_of(b, c.name).first) + r0 * row_bytes, k * row_bytes);
  });
}

ExampleShards::ExampleShards(const Comm& comm, const std::string& store_path, const Config& cfg)
    : comm_(comm), cfg_(cfg), store_path_(store_path), dir_(store_path + ".shards") {
  std::string err;
  if (comm_.is_root()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (!fs::create_directories(dir_, ec) || ec) err = "cannot create '" + dir_ + "': " + ec.message();
  }
  comm_.agree_or_throw(err, ErrorKind::Output);
}

ExampleShards::~ExampleShards() {
  if (comm_.is_root()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string ExampleShards::path(int64_t shard) const { return dir_ + "/shard-" + std::to_string(shard) + ".spill"; }

void ExampleShards::spill(int64_t shard, ExampleBuffer& buf) {
  const int64_t n = static_cast<int64_t>(buf.size());
  SpillWriter w(path(shard));
  for (const Column& c : columns(cfg_)) {
    if (c.kind == Column::STR) {
      w.add_strings(c.name, strings_of(buf, c.name));
    } else {
      // The pileup geometry is fixed per run, so a row's size follows from the buffer.
      const auto [data, bytes] = numeric_of(buf, c.name);
      w.add_rows(c.name, data, n, n ? static_cast<int64_t>(bytes) / n : 0);
    }
  }
  w.commit();
  Held h;
  h.shard = shard;
  h.rows = n;
  for (const SpillSection& s : w.sections())
    if (s.kind == 2) h.widths.push_back(s.row_bytes);
  held_.push_back(std::move(h));
  buf = ExampleBuffer();
}

void ExampleShards::write_store() {
  size_t strings = 0;
  for (const Column& c : columns(cfg_)) strings += c.kind == Column::STR;
  std::vector<int64_t> keys, rows, widths(strings, 1);
  for (const auto& h : held_) {
    keys.push_back(h.shard);
    rows.push_back(h.rows);
    for (size_t s = 0; s < strings; ++s) widths[s] = std::max(widths[s], h.widths[s]);
  }
  const PieceLayout layout = layout_pieces(comm_, keys, {rows})[0];
  SpillCursor cursor([this](int64_t shard) { return path(shard); });
  write_datasets(comm_, store_path_, cfg_, layout, widths,
                 [&](const Column& c, size_t i, int64_t r0, int64_t n, int64_t w, char* o) {
                   const SpillReader& r = cursor.at(held_[i].shard);
                   if (c.kind == Column::STR) return r.read_strings(c.name, r0, n, w, o);
                   const int64_t rb = r.section(c.name).row_bytes;
                   r.read(c.name, r0 * rb, n * rb, o);
                 });
}

}  // namespace dvhpc
