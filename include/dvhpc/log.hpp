// Logging with level, rank and stage, on top of spdlog.
//
// Every line reads "[12:00:01.123] [info] [r0] [count] message". By default
// only rank 0 logs at info and below; every rank logs warnings and errors, so
// a problem on rank 5 is never hidden. Call log::init once per process.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace dvhpc::log {

// level: trace|debug|info|warn|error|off. all_ranks: also info from rank != 0.
void init(int rank, const std::string& level, bool all_ranks = false);

// The current stage name shown in each line (e.g. "load", "count", "write").
void set_stage(const std::string& stage);
const std::string& stage();

spdlog::logger& logger();

template <typename... Args>
void debug(spdlog::format_string_t<Args...> f, Args&&... a) { logger().debug(f, std::forward<Args>(a)...); }
template <typename... Args>
void info(spdlog::format_string_t<Args...> f, Args&&... a) { logger().info(f, std::forward<Args>(a)...); }
template <typename... Args>
void warn(spdlog::format_string_t<Args...> f, Args&&... a) { logger().warn(f, std::forward<Args>(a)...); }
template <typename... Args>
void error(spdlog::format_string_t<Args...> f, Args&&... a) { logger().error(f, std::forward<Args>(a)...); }

}  // namespace dvhpc::log
