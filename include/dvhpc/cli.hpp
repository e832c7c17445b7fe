// Command-line parsing: `dvhpc COMMAND [config.yaml] [--set key=value ...]`.
//
// The command line only locates the config and collects overrides; every
// setting lives in Config (config.hpp). Command-specific flags (eval's
// --truth/--calls, --preset, --threads) are turned into --set overrides here,
// so they go through the same typed parsing and validation as YAML keys.
#pragma once

#include <string>
#include <vector>

namespace dvhpc {

struct CliArgs {
  std::string command;                 // a registered command (commands.hpp) or version
  std::string config_path;             // may be empty
  std::vector<std::string> overrides;  // "key.path=value"
  bool help = false;
  bool resume = false;                 // train --resume
  std::string help_text;               // filled when help is requested
};

// Throws Error(Config) for unknown commands/options, with usage in the message.
CliArgs parse_cli(int argc, const char* const* argv);

// Top-level usage listing the commands.
std::string usage();

// The registered commands (commands.hpp) and `version`.
std::vector<std::string> command_names();

}  // namespace dvhpc
