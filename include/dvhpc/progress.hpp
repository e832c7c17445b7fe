// Rank-0 progress line for long loops: "count 1234/5000 shards (24.7%) 310.2/s ETA 12s".
//
// Each rank calls tick() on its own work; rank 0 prints its view, scaled to
// the global total it was given (ranks progress at similar rates because the
// partitioner balances them). Printing is throttled to once per interval so
// a tight loop pays one clock read per tick.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dvhpc {

class Progress {
 public:
  // total: items this rank will process; unit: word for the items.
  // enabled: print at all (false on non-root ranks or with progress: false).
  Progress(std::string label, int64_t total, std::string unit, bool enabled,
           double interval_seconds = 2.0);
  void tick(int64_t n = 1);
  void finish();  // prints the final line with the mean rate
  int64_t done() const { return done_; }

  // Exposed for tests: the line for `done` items after `elapsed` seconds.
  static std::string format(const std::string& label, int64_t done, int64_t total,
                            const std::string& unit, double elapsed);

 private:
  std::string label_, unit_;
  int64_t total_, done_ = 0;
  bool enabled_;
  double interval_;
  std::chrono::steady_clock::time_point start_, last_print_;
};

}  // namespace dvhpc
