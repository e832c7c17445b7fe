// Host wrapper of the pileup kernels: for one shard's reads and candidate
// sites it selects the reads of every example on the host (reads overlapping
// the site's POS, sorted by start; the image keeps at most max_reads, chosen
// by a hash of QNAME and POS), copies these example tables to the device,
// and runs the support, image and feature kernels over the shard's reads.
//
// Two forms:
//   - build_views: the reads already on the device (kernels/device_reads.hpp,
//     uploaded once per shard) and the outputs left there as Views, so
//     `call` hands them to the networks without a host round trip;
//   - build / build_on: host vectors in and out (make-examples, tests).
//
//   PileupBuilder b(cfg.pileup, cfg.candidates.min_base_quality);
//   auto queries = example_queries(sites);
//   b.build(batch, shard.padded, seq, sites, queries, images, features);
//   // images: += n * H * W * C uint8, features: += n * window * 18 float
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/candidates.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/example_query.hpp"
#include "dvhpc/read_batch.hpp"
#include "kernels/device_reads.hpp"
#include "kernels/pileup_features.hpp"
#include "kernels/pileup_image.hpp"

namespace dvhpc {

// Reads by what they support in one example (entry_support of the kernels).
// `realigned`: the site has an indel alt and reads were realigned; then
// `ref` counts reads that fit the reference best and reads that fit no
// allele clearly are in neither count.
struct ExampleSupport {
  int32_t ref = 0, alt = 0, other_alt = 0;
  bool realigned = false;
};

class PileupBuilder {
 public:
  PileupBuilder(const PileupConfig& cfg, int min_base_quality);

  // `window`: the region the batch's reads were loaded for; `ref`: its bases.
  // Sites must lie inside the window. Appends to `images` and `features`.
  // `reads`, when given, is `batch` already uploaded (the shard pipeline's);
  // else the batch is uploaded here.
  void build(const ReadBatch& batch, const Region& window, const std::string& ref,
             const std::vector<Candidate>& sites, const std::vector<ExampleQuery>& queries,
             std::vector<uint8_t>& images, std::vector<float>& features, bool with_images = true,
             std::vector<ExampleSupport>* support = nullptr, const kernels::DeviceReads* reads = nullptr) const;

  // The same on the Kokkos execution space Exec: build() runs on the
  // program's (kernels::ExecSpace). Instantiated for that and, in device
  // builds, for kernels::HostExecSpace, which the kernel tests compare with.
  template <class Exec>
  void build_on(const ReadBatch& batch, const Region& window, const std::string& ref,
                const std::vector<Candidate>& sites, const std::vector<ExampleQuery>& queries,
                std::vector<uint8_t>& images, std::vector<float>& features, bool with_images = true,
                std::vector<ExampleSupport>* support = nullptr,
                const kernels::BasicDeviceReads<Exec>* reads = nullptr) const;

  // The kernels on exec over reads already uploaded (`batch` is the same
  // reads on the host: their starts and ends pick each example's reads).
  // `features` [n, window, 18] and `images` [n, H, W, C], n = queries.size(),
  // must be zero-filled; an output with extent 0 is not built. `support`,
  // when given, gets one entry per query appended. Fenced on return.
  template <class Exec>
  void build_views(const Exec& exec, const kernels::BasicDeviceReads<Exec>& reads, const ReadBatch& batch,
                   const Region& window, const std::string& ref, const std::vector<Candidate>& sites,
                   const std::vector<ExampleQuery>& queries,
                   const kernels::FeatureView<typename Exec::memory_space>& features,
                   const kernels::ImageView<typename Exec::memory_space>& images,
                   std::vector<ExampleSupport>* support = nullptr) const;

  int64_t image_size() const;    // H * W * C
  int64_t feature_size() const;  // window * 18

 private:
  PileupConfig cfg_;
  int min_bq_;
};

}  // namespace dvhpc
