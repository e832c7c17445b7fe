// Where to assemble: windows of the reference where reads disagree about
// indels. A position is active when at least `min_events` reads start an
// insertion or deletion there or soft-clip there; sequencing errors rarely
// agree on a position, real indels and the aligner's different spellings of
// one do. Each active position's window covers the deletion it starts, the
// tandem repeats around it (an indel in a repeat can be placed anywhere
// along it, and assembly needs unique sequence at both ends), plus padding.
// Overlapping windows merge; windows longer than `max_window` are dropped
// (their reads keep the aligner's alignment).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/config.hpp"
#include "dvhpc/read_batch.hpp"

namespace dvhpc::assembly {

struct Window {
  int64_t begin = 0, end = 0;  // 0-based half-open reference coordinates
};

struct WindowStats {
  int64_t active_positions = 0;
  int64_t too_long = 0;  // merged windows over max_window, not assembled
};

// `ref` holds the reference from ref_begin; windows lie inside it.
std::vector<Window> active_windows(const ReadBatch& batch, const std::string& ref, int64_t ref_begin,
                                   const AssemblyConfig& cfg, WindowStats* stats = nullptr);

// [lo, hi) widened over every tandem repeat (period 1-6, or `extra_period`)
// that runs through either end, by at most `max_extend` bases each side.
void cover_repeats(const std::string& ref, int64_t& lo, int64_t& hi, int64_t extra_period, int64_t max_extend);

}  // namespace dvhpc::assembly
