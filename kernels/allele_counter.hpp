// Host wrapper of the counting and candidate kernels. It owns the device
// Views (reused across windows: they grow, never shrink), launches the
// labelled kernels on its execution space instance (the rank's stream on
// GPUs, include/dvhpc/device_context.hpp), fences, and hands back host
// results: the candidates, and the counts only when asked (to_host, gVCF).
//
//   AlleleCounter counter(cfg.candidates, ctx.exec());
//   reads.upload(batch);                                  // kernels/device_reads.hpp
//   counter.count(reads, batch, shard.padded, ref.fetch(shard.padded));
//   auto cands = counter.candidates(shard.region);   // core only, no margins
#pragma once

#include <string>
#include <vector>

#include "dvhpc/allele_counts.hpp"
#include "dvhpc/candidates.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/read_batch.hpp"
#include "kernels/device_reads.hpp"
#include "kernels/types.hpp"

namespace dvhpc {

// Exec: the Kokkos execution space the kernels run on. Instantiated for
// kernels::ExecSpace (the program's: OpenMP, or CUDA in device builds) and,
// in device builds, for kernels::HostExecSpace too, so that the kernel
// tests can check the device's results against the host's.
template <class Exec>
class BasicAlleleCounter {
 public:
  using Mem = typename Exec::memory_space;
  using Device = Kokkos::Device<Exec, Mem>;

  explicit BasicAlleleCounter(const CandidateConfig& cfg, const Exec& exec = Exec());

  // Counts the reads of `batch` over `window`; `ref` holds the reference
  // bases of `window` (ref.size() == window.length()). `reads` holds the
  // batch already uploaded (shared with the pileup kernels); the overload
  // without it uploads the batch itself.
  void count(const kernels::BasicDeviceReads<Exec>& reads, const ReadBatch& batch, const Region& window,
             const std::string& ref);
  void count(const ReadBatch& batch, const Region& window, const std::string& ref);

  // Candidates with pos inside `core` (which must lie inside the window),
  // sorted by position. `extra` indels (local assembly's alleles) join the
  // sites unless the counts already proposed them; their count is the
  // support the caller gives them.
  std::vector<Candidate> candidates(const Region& core, const std::vector<IndelAllele>& extra = {});

  // Host copy of the counts and of every distinct indel allele.
  AlleleCounts to_host() const;

  const Region& window() const { return window_; }
  // Device count view (for the pileup-feature kernels that follow).
  const kernels::CountView<Mem>& device_counts() const { return counts_; }

 private:
  IndelAllele indel_at(uint32_t slot, const kernels::IndelMap<Kokkos::HostSpace>& host) const;

  CandidateConfig cfg_;
  Exec exec_;
  Region window_;
  std::string ref_;
  std::vector<uint8_t> bases_;  // host copy of batch bases (inserted sequences)
  kernels::BasicDeviceReads<Exec> own_reads_;  // count() without shared reads
  std::vector<uint8_t> ref_codes_host_;  // what ref_codes_ shows on host builds
  kernels::U8View<Mem> ref_buf_;
  kernels::U8View<Mem> ref_codes_;
  kernels::CountView<Mem> counts_;
  kernels::I64View<Mem> excl_begin_buf_, excl_end_buf_;
  kernels::IndelMap<Device> indels_;
};

// The program's counter: on the default execution space.
using AlleleCounter = BasicAlleleCounter<kernels::ExecSpace>;

}  // namespace dvhpc
