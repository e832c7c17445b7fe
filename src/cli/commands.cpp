#include "dvhpc/commands.hpp"

#include <algorithm>

#include "dvhpc/error.hpp"

namespace dvhpc {
namespace {
std::vector<Command>& registry() {
  static std::vector<Command> r;  // constructed on first use: safe during static initialisation
  return r;
}
}  // namespace

bool register_command(Command c) {
  registry().push_back(std::move(c));
  return true;
}

std::vector<Command> registered_commands() {
  std::vector<Command> r = registry();
  std::sort(r.begin(), r.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  return r;
}

void run_command(const RunContext& ctx) {
  for (const auto& c : registry())
    if (c.name == ctx.cfg.command) return c.run(ctx);
  throw Error(ErrorKind::Config, "command '" + ctx.cfg.command + "' is not available in this version of dvhpc");
}

}  // namespace dvhpc
