// A shard's reads in the kernels' memory space, uploaded once per shard and
// read by every kernel that needs them: allele counting, read support,
// count features and pileup images (issue 18: before, each kernel wrapper
// copied the batch again, the pileup builder once per group of examples).
//
//   DeviceReads reads(exec);            // per sample, lives across shards
//   reads.upload(batch);                // after loading (and realigning) a shard
//   counter.count(reads, batch, ...);   // kernels take reads.views()
//   builder.build_views(exec, reads, batch, ...);
//
// Host builds alias the batch's own vectors (no copy, no allocation), so the
// batch must stay alive and unchanged while the views are used. Device
// builds copy into buffers that grow and never shrink, on the execution
// space instance's stream.
#pragma once

#include <cstdint>
#include <vector>

#include "dvhpc/read_batch.hpp"
#include "kernels/pileup_support.hpp"
#include "kernels/types.hpp"

namespace dvhpc::kernels {

template <class Exec>
class BasicDeviceReads {
 public:
  using Mem = typename Exec::memory_space;

  explicit BasicDeviceReads(const Exec& exec = Exec()) : exec_(exec) {}

  // Views of `batch` (host: aliases; device: copies, enqueued on exec).
  void upload(const ReadBatch& batch);

  const PileupReadViews<Mem>& views() const { return v_; }
  int64_t size() const { return v_.reads.size(); }
  // Longest reference span of one read (>= 1): the reads overlapping a
  // position p all start in [p - max_span, p].
  int64_t max_span() const { return max_span_; }
  const Exec& exec() const { return exec_; }

 private:
  Exec exec_;
  PileupReadViews<Mem> v_, buf_;  // buf_: device buffers, grown as needed
  std::vector<uint8_t> mapq_;     // host builds: batches without MAPQ/TLEN get zeros
  std::vector<int32_t> tlen_;
  int64_t max_span_ = 1;
};

using DeviceReads = BasicDeviceReads<ExecSpace>;

}  // namespace dvhpc::kernels
