// Per-stage wall-time accounting and the end-of-command runtime report.
//
// Each rank accumulates seconds per named stage (a stage may be entered many
// times, e.g. once per shard). At the end, report() gathers every rank's
// times and rank 0 prints wall time per stage as min / median / max over
// ranks, which shows load imbalance at a glance.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace dvhpc {

class Comm;

class StageTimes {
 public:
  void add(const std::string& stage, double seconds);
  double get(const std::string& stage) const;
  // Stages in first-seen order.
  const std::vector<std::pair<std::string, double>>& stages() const { return stages_; }

 private:
  std::vector<std::pair<std::string, double>> stages_;
};

// Times a scope into a StageTimes and sets the log stage and the collective
// watchdog's phase (collective_watchdog.hpp) while it lives.
class ScopedStage {
 public:
  ScopedStage(StageTimes& times, std::string stage);
  ~ScopedStage();
  ScopedStage(const ScopedStage&) = delete;
  ScopedStage& operator=(const ScopedStage&) = delete;

 private:
  StageTimes& times_;
  std::string stage_;
  std::string previous_stage_;
  std::string previous_phase_;
  std::chrono::steady_clock::time_point start_;
};

// One row of the report: a stage's seconds on every rank (index = rank).
struct StageReportRow {
  std::string stage;
  std::vector<double> per_rank;
  double min = 0, median = 0, max = 0;
};

// Collective: every rank must call it with the same stage names (missing
// stages count as 0). Returns the rows on every rank, in rank 0's order plus
// any stage only other ranks saw.
std::vector<StageReportRow> gather_stage_report(const Comm& comm, const StageTimes& local);

// Formats the report as a table (rank 0 prints it).
std::string format_stage_report(const std::vector<StageReportRow>& rows, double total_wall);

}  // namespace dvhpc
