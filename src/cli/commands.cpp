#include "dvhpc/commands.hpp"

#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"

namespace dvhpc {

void run_command(const RunContext& ctx) {
  const std::string& cmd = ctx.cfg.command;
  throw Error(ErrorKind::Config, "command '" + cmd + "' is not available in this build of dvhpc yet");
}

}  // namespace dvhpc
