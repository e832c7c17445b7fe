// Every Kokkos View type of dvhpc's kernels, in one place (Cabana/ExaMiniMD
// style). Kernels are templated on the memory space / device so the same
// source runs on Kokkos' OpenMP backend here and on CUDA on GPU machines;
// host wrappers pick DefaultExecutionSpace.
#pragma once

#include <Kokkos_Core.hpp>
#include <Kokkos_UnorderedMap.hpp>

#include <cstdint>
#include <type_traits>

#include "dvhpc/allele_counts.hpp"

namespace dvhpc::kernels {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
using DeviceType = Kokkos::Device<ExecSpace, MemSpace>;
using HostSpace = Kokkos::HostSpace;
// The host wrappers (AlleleCounter, PileupBuilder) are templates on the
// execution space, instantiated for ExecSpace and, in device builds, also
// for HostExecSpace: the kernel tests run each case on both and compare.
using HostExecSpace = Kokkos::DefaultHostExecutionSpace;

// 1 in device builds (Kokkos with CUDA: ExecSpace is Kokkos::Cuda), where
// the wrappers have a second, host instantiation.
#if defined(KOKKOS_ENABLE_CUDA)
#define DVHPC_KERNELS_ON_DEVICE 1
#else
#define DVHPC_KERNELS_ON_DEVICE 0
#endif
static_assert(DVHPC_KERNELS_ON_DEVICE == !std::is_same_v<ExecSpace, HostExecSpace>,
              "DVHPC_KERNELS_ON_DEVICE must say whether the default execution space is the host's");

template <class M> using I32View = Kokkos::View<int32_t*, M>;
template <class M> using U32View = Kokkos::View<uint32_t*, M>;
template <class M> using I64View = Kokkos::View<int64_t*, M>;
template <class M> using U64View = Kokkos::View<uint64_t*, M>;
template <class M> using U8View = Kokkos::View<uint8_t*, M>;

// Per-position counts, position-major: the channels of one position share a
// cache line, and one read touches consecutive positions.
template <class M>
using CountView = Kokkos::View<int32_t* [kNumChannels], Kokkos::LayoutRight, M>;

// Unmanaged host views over std::vector data (for deep_copy to the device).
template <class T>
using HostUnmanaged = Kokkos::View<T*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

// Key of a distinct indel allele. 16 bytes, no padding, so pod_hash and
// pod_equal_to (byte-wise) are correct.
struct IndelKey {
  int32_t pos;        // anchor, relative to the window begin
  int32_t length;     // > 0 insertion, < 0 deletion
  uint64_t seq_hash;  // FNV-1a of the inserted base codes; 0 for deletions
};

struct IndelValue {
  int32_t count;
  int32_t reverse_count;
  int64_t seq_offset;  // offset of the inserted bases in the batch (first inserter)
};

template <class Device>
using IndelMap = Kokkos::UnorderedMap<IndelKey, IndelValue, Device>;

// A read batch in a memory space (see dvhpc/read_batch.hpp for the layout).
template <class M>
struct ReadViews {
  I64View<M> pos;
  U32View<M> cigar_offset;
  U32View<M> cigar;
  U64View<M> seq_offset;
  U8View<M> bases;
  U8View<M> quals;
  U8View<M> reverse;
  KOKKOS_INLINE_FUNCTION int64_t size() const { return static_cast<int64_t>(pos.extent(0)); }  // called in kernels
};

}  // namespace dvhpc::kernels
