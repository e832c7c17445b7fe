#include "dvhpc/commands.hpp"

#include "dvhpc/call.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/sim/simulate.hpp"

namespace dvhpc {

void run_command(const RunContext& ctx) {
  const std::string& cmd = ctx.cfg.command;
  if (cmd == "call") return run_call(ctx);
  if (cmd == "simulate") return run_simulate(ctx);
  throw Error(ErrorKind::Config, "command '" + cmd +
                                     "' is not available in this version of dvhpc yet (see README, Status)");
}

}  // namespace dvhpc
