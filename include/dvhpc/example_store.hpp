// The example store: PREFIX.examples.h5, written by `dvhpc make-examples`
// (all ranks, parallel HDF5, rows in genome order) and read by `train` and
// `call`. Schema version 1 (n = examples; H, W, C, window from the attrs):
//
//   /cnn/images         uint8   [n, H, W, C]   pileup images (dvhpc/pileup_image.hpp)
//   /rnn/features       float32 [n, window, 18] count features (dvhpc/pileup_features.hpp)
//   /labels             int8    [n]   0 hom-ref, 1 het, 2 hom-alt; -1 unlabelled
//                                     (only when no truth is configured)
//   /meta/contig        fixed-length strings [n]
//   /meta/pos           int64 [n]   1-based VCF POS of the site
//   /meta/ref           strings     the site's REF
//   /meta/alt           strings     the alt this example asks about; "ALT1|ALT2" for a pair
//   /meta/site_alts     strings     all alts of the site, comma-joined
//   /meta/variant_type  int8  [n]   0 SNP, 1 insertion, 2 deletion, 3 complex/other (examples.hpp)
//   /meta/depth         int32 [n]   reads with an allele at POS
//   /meta/alt_count     int32 [n]   reads supporting the queried alt(s)
//   attributes on "/":  config (effective YAML), versions, pileup_height,
//                       pileup_width, pileup_channels, feature_window,
//                       feature_channels, schema_version = "1" (all strings)
//
// Examples of one site are consecutive: its alts in order, then its pairs.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/candidates.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/example_query.hpp"

namespace dvhpc {

class Comm;

// This rank's examples, in order, until written collectively.
struct ExampleBuffer {
  std::vector<uint8_t> images;
  std::vector<float> features;
  std::vector<int8_t> labels;
  std::vector<std::string> contig, ref, alt, site_alts;
  std::vector<int64_t> pos;
  std::vector<int8_t> variant_type;
  std::vector<int32_t> depth, alt_count;

  size_t size() const { return labels.size(); }
  // Metadata and label of one example (images/features are appended by PileupBuilder).
  void add_meta(const Candidate& site, const ExampleQuery& q, int8_t label);
};

// Collective: every rank passes its buffer; rows land in rank order
// (make-examples itself streams shard by shard: example_shards.hpp).
void write_example_store(const Comm& comm, const std::string& path, const ExampleBuffer& local,
                         const Config& cfg);

// Random-access reader (serial HDF5; any rank may open the file).
class ExampleStore {
 public:
  explicit ExampleStore(const std::string& path);
  ~ExampleStore();
  ExampleStore(const ExampleStore&) = delete;
  ExampleStore& operator=(const ExampleStore&) = delete;

  int64_t size() const { return n_; }
  int height() const { return h_; }
  int width() const { return w_; }
  int channels() const { return c_; }
  int feature_window() const { return fw_; }
  int feature_channels() const { return fc_; }
  int64_t image_size() const { return static_cast<int64_t>(h_) * w_ * c_; }
  int64_t feature_size() const { return static_cast<int64_t>(fw_) * fc_; }
  std::string attribute(const std::string& name) const;

  // Rows `idx` (any order, repeats allowed) into out[k * row_size ...].
  // Sorted index lists read fastest: contiguous runs become one hyperslab
  // union, so HDF5 decompresses each chunk once.
  void read_features(const std::vector<int64_t>& idx, float* out) const;
  void read_images(const std::vector<int64_t>& idx, uint8_t* out) const;
  std::vector<int8_t> read_labels(const std::vector<int64_t>& idx) const;

  // Whole metadata columns (small: read once).
  std::vector<int8_t> labels() const;
  std::vector<std::string> strings(const std::string& dataset) const;  // e.g. "/meta/alt"
  std::vector<int64_t> int64s(const std::string& dataset) const;       // e.g. "/meta/pos"
  std::vector<int32_t> int32s(const std::string& dataset) const;       // "/meta/depth"
  std::vector<int8_t> int8s(const std::string& dataset) const;         // "/meta/variant_type"

  const std::string& path() const { return path_; }

 private:
  void read_rows(const std::string& dataset, hid_t type, const std::vector<int64_t>& idx, int64_t row_elems,
                 void* out, size_t elem_size) const;

  std::string path_;
  hid_t file_ = -1;
  int64_t n_ = 0;
  int h_ = 0, w_ = 0, c_ = 0, fw_ = 0, fc_ = 0;
};

}  // namespace dvhpc
