#include "dvhpc/progress.hpp"

#include <cstdio>

#include "dvhpc/log.hpp"

namespace dvhpc {

Progress::Progress(std::string label, int64_t total, std::string unit, bool enabled,
                   double interval_seconds)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), enabled_(enabled),
      interval_(interval_seconds), start_(std::chrono::steady_clock::now()), last_print_(start_) {}

static std::string format_seconds(double s) {
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, (int(s) % 3600) / 60);
  return buf;
}

std::string Progress::format(const std::string& label, int64_t done, int64_t total,
                             const std::string& unit, double elapsed) {
  double rate = elapsed > 0 ? done / elapsed : 0.0;
  double pct = total > 0 ? 100.0 * done / total : 100.0;
  std::string eta = rate > 0 ? format_seconds((total - done) / rate) : "?";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s %lld/%lld %s (%.1f%%) %.1f %s/s ETA %s", label.c_str(),
                static_cast<long long>(done), static_cast<long long>(total), unit.c_str(), pct,
                rate, unit.c_str(), eta.c_str());
  return buf;
}

void Progress::tick(int64_t n) {
  done_ += n;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_print_).count() < interval_) return;
  last_print_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  log::info("{}", format(label_, done_, total_, unit_, elapsed));
}

void Progress::finish() {
  if (!enabled_) return;
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  log::info("{} in {}", format(label_, done_, total_, unit_, elapsed), format_seconds(elapsed));
}

}  // namespace dvhpc
