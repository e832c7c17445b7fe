// The execution spaces every kernel test runs on, Cabana style: each test
// body is written once (doctest TEST_CASE_TEMPLATE) and instantiated for
// the host space always and for the device space (Kokkos::Cuda) in the
// CUDA build. On the device the body also runs the host instantiation and
// checks that both give the same counts, candidates, features and images,
// so a device-only race or indexing error fails even where the hand-made
// expectations would not see it.
//
//   TEST_CASE_TEMPLATE("allele_count: ...", Exec, DVHPC_TEST_EXEC_SPACES) {
//     auto c = run<Exec>(reads);   // run<> compares with the host when on_device<Exec>
//
// Without a GPU the CUDA build's test executable skips as a whole (its
// Kokkos cannot start: tests/unit_main.cpp).
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "dvhpc/allele_counts.hpp"
#include "dvhpc/candidates.hpp"
#include "kernels/types.hpp"

#if DVHPC_KERNELS_ON_DEVICE
#define DVHPC_TEST_EXEC_SPACES dvhpc::kernels::HostExecSpace, dvhpc::kernels::ExecSpace
TYPE_TO_STRING_AS("device", dvhpc::kernels::ExecSpace);
#else
#define DVHPC_TEST_EXEC_SPACES dvhpc::kernels::HostExecSpace
#endif
TYPE_TO_STRING_AS("host", dvhpc::kernels::HostExecSpace);

namespace dvhpc::test {

template <class Exec>
constexpr bool on_device = !std::is_same_v<Exec, kernels::HostExecSpace>;

// Device results against host results: equal, element for element.
inline void check_same_counts(const AlleleCounts& dev, const AlleleCounts& host) {
  CHECK(dev.window == host.window);
  CHECK(dev.counts == host.counts);
  REQUIRE(dev.indels.size() == host.indels.size());
  for (size_t i = 0; i < dev.indels.size(); ++i) {
    const IndelAllele &d = dev.indels[i], &h = host.indels[i];
    CHECK((d.pos == h.pos && d.length == h.length && d.inserted == h.inserted && d.count == h.count &&
           d.reverse_count == h.reverse_count));
  }
}

inline void check_same_candidates(const std::vector<Candidate>& dev, const std::vector<Candidate>& host) {
  REQUIRE(dev.size() == host.size());
  for (size_t i = 0; i < dev.size(); ++i) {
    CHECK(dev[i].to_string() == host[i].to_string());
    CHECK(dev[i].alt_counts == host[i].alt_counts);
    CHECK(dev[i].ref_count == host[i].ref_count);
    CHECK(dev[i].total == host[i].total);
  }
}

}  // namespace dvhpc::test
