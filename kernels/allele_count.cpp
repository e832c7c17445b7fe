// Host side of the allele counting: launch on the counter's execution space instance, fence.
#include "kernels/allele_count.hpp"

#include <algorithm>

#include "dvhpc/error.hpp"
#include "kernels/allele_counter.hpp"
#include "kernels/device_view.hpp"

namespace dvhpc {

using namespace kernels;


int32_t AlleleCounts::pileup_depth(int64_t pos) const {
  int32_t d = 0;
  for (int c = kFwdA; c <= kRevDel; ++c) d += at(pos, c);
  return d;
}

int32_t AlleleCounts::allele_total(int64_t pos) const {
  int32_t d = 0;
  for (int b = 0; b < 5; ++b) d += allele_base(pos, b);
  d += at(pos, kIndelAllele);
  return d;
}

template <class Exec>
BasicAlleleCounter<Exec>::BasicAlleleCounter(const CandidateConfig& cfg, const Exec& exec)
    : cfg_(cfg), exec_(exec), own_reads_(exec) {}

template <class Exec>
void BasicAlleleCounter<Exec>::count(const ReadBatch& batch, const Region& window, const std::string& ref) {
  own_reads_.upload(batch);
  count(own_reads_, batch, window, ref);
}

template <class Exec>
void BasicAlleleCounter<Exec>::count(const BasicDeviceReads<Exec>& reads, const ReadBatch& batch,
                                     const Region& window, const std::string& ref) {
  if (static_cast<int64_t>(ref.size()) != window.length())
    throw Error(ErrorKind::Internal, "AlleleCounter::count: reference has " + std::to_string(ref.size()) +
                                         " bases for window " + window.to_string());
  window_ = window;
  ref_ = ref;
  bases_ = batch.bases;
  const int64_t npos = window.length();

  if (reads.size() != static_cast<int64_t>(batch.size()))
    throw Error(ErrorKind::Internal, "AlleleCounter::count: uploaded reads are not this batch's (" +
                                         std::to_string(reads.size()) + " vs " + std::to_string(batch.size()) + ")");
  // Used only in this call: the batch may be gone by the next.
  const ReadViews<Mem>& r = reads.views().reads;

  // candidates() reads the reference codes later: they live in a member.
  ref_codes_host_.resize(ref.size());
  for (size_t i = 0; i < ref.size(); ++i) ref_codes_host_[i] = base_code(ref[i]);
  ref_codes_ = device_view(exec_, ref_codes_host_, "dvhpc::ref_codes", &ref_buf_);

  if (static_cast<int64_t>(counts_.extent(0)) != npos)
    counts_ = CountView<Mem>("dvhpc::allele_counts", npos);
  else
    Kokkos::deep_copy(exec_, counts_, 0);

  const int64_t nreads = static_cast<int64_t>(batch.size());
  int64_t n_indel_ops = 0;
  Kokkos::parallel_reduce("dvhpc::count_indel_ops", Kokkos::RangePolicy<Exec>(exec_, 0, nreads),
                          CountIndelOpsFunctor<Mem>{r}, n_indel_ops);
  const uint32_t capacity = static_cast<uint32_t>(n_indel_ops + n_indel_ops / 2 + 64);
  if (indels_.capacity() < capacity) indels_ = IndelMap<Device>(capacity);
  else indels_.clear();

  // Chunks of reads and the positions only each chunk touches (see
  // allele_count.hpp). Host backends: 8 chunks per thread; GPUs: one read each.
  const bool on_host = Kokkos::SpaceAccessibility<Kokkos::HostSpace, Mem>::accessible;
  const int64_t nchunks = on_host ? std::min<int64_t>(nreads, 8 * Exec::concurrency()) : nreads;
  const int64_t per_chunk = nchunks > 0 ? (nreads + nchunks - 1) / nchunks : 1;
  std::vector<int64_t> lo(static_cast<size_t>(nchunks), INT64_MAX), hi(static_cast<size_t>(nchunks), INT64_MIN);
  if (on_host)
    for (int64_t r = 0; r < nreads; ++r) {
      const size_t c = static_cast<size_t>(r / per_chunk);
      lo[c] = std::min(lo[c], batch.pos[static_cast<size_t>(r)] - window.begin);
      hi[c] = std::max(hi[c], batch.end[static_cast<size_t>(r)] - window.begin);
    }
  std::vector<int64_t> ex_begin(static_cast<size_t>(nchunks), 0), ex_end(static_cast<size_t>(nchunks), 0);
  if (on_host) {
    int64_t reach = INT64_MIN;  // max end of earlier chunks
    for (int64_t c = 0; c < nchunks; ++c) {
      ex_begin[static_cast<size_t>(c)] = reach;
      reach = std::max(reach, hi[static_cast<size_t>(c)]);
    }
    int64_t start = INT64_MAX;  // min start of later chunks
    for (int64_t c = nchunks - 1; c >= 0; --c) {
      ex_end[static_cast<size_t>(c)] = start;
      start = std::min(start, lo[static_cast<size_t>(c)]);
    }
  }
  AlleleCountFunctor<Device> f{r, counts_, indels_, device_view(exec_, ex_begin, "dvhpc::excl_begin", &excl_begin_buf_),
                                   device_view(exec_, ex_end, "dvhpc::excl_end", &excl_end_buf_), per_chunk, window.begin, npos,
                                   static_cast<int32_t>(cfg_.min_base_quality)};
  Kokkos::parallel_for("dvhpc::allele_count", Kokkos::RangePolicy<Exec>(exec_, 0, nchunks), f);
  exec_.fence();
  if (indels_.failed_insert())
    throw Error(ErrorKind::Internal, "indel hash map overflowed in " + window.to_string() +
                                         " (capacity " + std::to_string(capacity) + ")");
}

template <class Exec>
IndelAllele BasicAlleleCounter<Exec>::indel_at(uint32_t slot, const IndelMap<Kokkos::HostSpace>& host) const {
  const IndelKey k = host.key_at(slot);
  const IndelValue v = host.value_at(slot);
  IndelAllele a;
  a.pos = window_.begin + k.pos;
  a.length = k.length;
  a.count = v.count;
  a.reverse_count = v.reverse_count;
  if (k.length > 0)
    for (int32_t j = 0; j < k.length; ++j) a.inserted += base_char(bases_[static_cast<size_t>(v.seq_offset + j)]);
  return a;
}

template <class Exec>
AlleleCounts BasicAlleleCounter<Exec>::to_host() const {
  AlleleCounts out;
  out.window = window_;
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), counts_);
  out.counts.assign(h.data(), h.data() + h.size());
  IndelMap<Kokkos::HostSpace> hm;
  hm.create_copy_view(indels_);
  for (uint32_t s = 0; s < hm.capacity(); ++s)
    if (hm.valid_at(s)) out.indels.push_back(indel_at(s, hm));
  std::sort(out.indels.begin(), out.indels.end(), [](const IndelAllele& a, const IndelAllele& b) {
    return a.pos != b.pos ? a.pos < b.pos : a.length != b.length ? a.length < b.length : a.inserted < b.inserted;
  });
  return out;
}

// candidates() is in candidate_select.cpp, which instantiates it.
template BasicAlleleCounter<ExecSpace>::BasicAlleleCounter(const CandidateConfig&, const ExecSpace&);
template void BasicAlleleCounter<ExecSpace>::count(const DeviceReads&, const ReadBatch&, const Region&, const std::string&);
template void BasicAlleleCounter<ExecSpace>::count(const ReadBatch&, const Region&, const std::string&);
template AlleleCounts BasicAlleleCounter<ExecSpace>::to_host() const;
template IndelAllele BasicAlleleCounter<ExecSpace>::indel_at(uint32_t, const IndelMap<HostSpace>&) const;
#if DVHPC_KERNELS_ON_DEVICE
template BasicAlleleCounter<HostExecSpace>::BasicAlleleCounter(const CandidateConfig&, const HostExecSpace&);
template void BasicAlleleCounter<HostExecSpace>::count(const BasicDeviceReads<HostExecSpace>&, const ReadBatch&, const Region&,
                                                     const std::string&);
template void BasicAlleleCounter<HostExecSpace>::count(const ReadBatch&, const Region&, const std::string&);
template AlleleCounts BasicAlleleCounter<HostExecSpace>::to_host() const;
template IndelAllele BasicAlleleCounter<HostExecSpace>::indel_at(uint32_t, const IndelMap<HostSpace>&) const;
#endif

}  // namespace dvhpc
