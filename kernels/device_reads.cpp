#include "kernels/device_reads.hpp"

#include <algorithm>

#include "kernels/device_view.hpp"

namespace dvhpc::kernels {

template <class Exec>
void BasicDeviceReads<Exec>::upload(const ReadBatch& batch) {
  const size_t n = batch.size();
  max_span_ = 1;
  for (size_t i = 0; i < n; ++i) max_span_ = std::max(max_span_, batch.end[i] - batch.pos[i]);
  v_.reads.pos = device_view(exec_, batch.pos, "dvhpc::reads.pos", &buf_.reads.pos);
  v_.reads.cigar_offset = device_view(exec_, batch.cigar_offset, "dvhpc::reads.cigar_offset", &buf_.reads.cigar_offset);
  v_.reads.cigar = device_view(exec_, batch.cigar, "dvhpc::reads.cigar", &buf_.reads.cigar);
  v_.reads.seq_offset = device_view(exec_, batch.seq_offset, "dvhpc::reads.seq_offset", &buf_.reads.seq_offset);
  v_.reads.bases = device_view(exec_, batch.bases, "dvhpc::reads.bases", &buf_.reads.bases);
  v_.reads.quals = device_view(exec_, batch.quals, "dvhpc::reads.quals", &buf_.reads.quals);
  v_.reads.reverse = device_view(exec_, batch.reverse, "dvhpc::reads.reverse", &buf_.reads.reverse);
  // Hand-made batches (tests, the simulator) may leave MAPQ and TLEN out:
  // the kernels read zeros then.
  const std::vector<uint8_t>* mapq = &batch.mapq;
  const std::vector<int32_t>* tlen = &batch.insert_size;
  if (mapq->size() != n) {
    mapq_.assign(n, 0);
    std::copy_n(batch.mapq.begin(), std::min(n, batch.mapq.size()), mapq_.begin());
    mapq = &mapq_;
  }
  if (tlen->size() != n) {
    tlen_.assign(n, 0);
    std::copy_n(batch.insert_size.begin(), std::min(n, batch.insert_size.size()), tlen_.begin());
    tlen = &tlen_;
  }
  v_.mapq = device_view(exec_, *mapq, "dvhpc::reads.mapq", &buf_.mapq);
  v_.tlen = device_view(exec_, *tlen, "dvhpc::reads.tlen", &buf_.tlen);
}

template class BasicDeviceReads<ExecSpace>;
#if DVHPC_KERNELS_ON_DEVICE
template class BasicDeviceReads<HostExecSpace>;
#endif

}  // namespace dvhpc::kernels
