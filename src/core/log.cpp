#include "dvhpc/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <memory>

namespace dvhpc::log {
namespace {
std::string g_stage = "main";
std::shared_ptr<spdlog::logger> g_logger;
int g_rank = 0;

void apply_pattern() {
  // Stage is part of the pattern, so it is rebuilt when the stage changes
  // (rare: a handful of times per command, never in hot loops).
  g_logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] [r" + std::to_string(g_rank) + "] [" + g_stage + "] %v");
}
}  // namespace

void init(int rank, const std::string& level, bool all_ranks) {
  g_rank = rank;
  // stderr, so stdout stays clean for data (version, eval tables).
  g_logger = spdlog::stderr_color_mt("dvhpc-" + std::to_string(rank));
  auto lvl = spdlog::level::from_str(level);
  if (rank != 0 && !all_ranks && lvl < spdlog::level::warn) lvl = spdlog::level::warn;
  g_logger->set_level(lvl);
  g_logger->flush_on(spdlog::level::warn);
  apply_pattern();
}

void set_stage(const std::string& stage) {
  g_stage = stage;
  if (g_logger) apply_pattern();
}

const std::string& stage() { return g_stage; }

spdlog::logger& logger() {
  if (!g_logger) init(0, "info");
  return *g_logger;
}

}  // namespace dvhpc::log
