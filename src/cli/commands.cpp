#include "dvhpc/commands.hpp"

#include "dvhpc/call.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/eval.hpp"
#include "dvhpc/make_examples.hpp"
#include "dvhpc/sim/simulate.hpp"
#include "dvhpc/train.hpp"

namespace dvhpc {

void run_command(const RunContext& ctx) {
  const std::string& cmd = ctx.cfg.command;
  if (cmd == "call") return run_call(ctx);
  if (cmd == "make-examples") return run_make_examples(ctx);
  if (cmd == "train") return run_train(ctx);
  if (cmd == "eval") return run_eval(ctx);
  if (cmd == "simulate") return run_simulate(ctx);
  throw Error(ErrorKind::Config, "command '" + cmd +
                                     "' is not available in this version of dvhpc yet (see README, Status)");
}

}  // namespace dvhpc
