#include "dvhpc/timer.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <sstream>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/log.hpp"

namespace dvhpc {

void StageTimes::add(const std::string& stage, double seconds) {
  for (auto& [name, t] : stages_)
    if (name == stage) {
      t += seconds;
      return;
    }
  stages_.emplace_back(stage, seconds);
}

double StageTimes::get(const std::string& stage) const {
  for (const auto& [name, t] : stages_)
    if (name == stage) return t;
  return 0.0;
}

ScopedStage::ScopedStage(StageTimes& times, std::string stage)
    : times_(times), stage_(std::move(stage)), previous_stage_(log::stage()), previous_phase_(watchdog::phase()),
      start_(std::chrono::steady_clock::now()) {
  log::set_stage(stage_);
  watchdog::set_phase(stage_);  // named by the collective watchdog and abort_with
}

ScopedStage::~ScopedStage() {
  std::chrono::duration<double> dt = std::chrono::steady_clock::now() - start_;
  times_.add(stage_, dt.count());
  log::set_stage(previous_stage_);
  // While an exception unwinds, keep the phase where it was thrown: main()'s
  // abort_with names it ("... (at train step 12)").
  if (std::uncaught_exceptions() == 0) watchdog::set_phase(previous_phase_);
}

std::vector<StageReportRow> gather_stage_report(const Comm& comm, const StageTimes& local) {
  // Agree on the stage list: rank 0's names first, then names only others saw
  // (gathered as one newline-joined string per rank through rank 0).
  std::string mine;
  for (const auto& [name, t] : local.stages()) mine += name + "\n";
  std::vector<std::string> names;
  auto add_names = [&names](const std::string& joined) {
    std::istringstream in(joined);
    for (std::string n; std::getline(in, n);)
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (int r = 0; r < comm.size(); ++r) add_names(comm.broadcast(mine, r));

  std::vector<StageReportRow> rows;
  for (const auto& n : names) {
    StageReportRow row;
    row.stage = n;
    row.per_rank = comm.allgather(local.get(n));
    std::vector<double> s = row.per_rank;
    std::sort(s.begin(), s.end());
    row.min = s.front();
    row.max = s.back();
    size_t m = s.size() / 2;
    row.median = s.size() % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string format_stage_report(const std::vector<StageReportRow>& rows, double total_wall) {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-20s %10s %10s %10s %8s\n", "stage", "min (s)", "median (s)",
                "max (s)", "max/med");
  out << "runtime report (wall time per stage over " << (rows.empty() ? 1 : rows[0].per_rank.size())
      << " rank(s))\n"
      << line;
  for (const auto& r : rows) {
    double imb = r.median > 0 ? r.max / r.median : 1.0;
    std::snprintf(line, sizeof line, "%-20s %10.3f %10.3f %10.3f %8.2f\n", r.stage.c_str(), r.min,
                  r.median, r.max, imb);
    out << line;
  }
  std::snprintf(line, sizeof line, "%-20s %10s %10s %10.3f\n", "total wall", "", "", total_wall);
  out << line;
  return out.str();
}

}  // namespace dvhpc
