// `dvhpc train`: data-parallel training of the RNN or the CNN from example
// stores made by `dvhpc make-examples` (see train/trainer.hpp for the
// algorithm). Outputs, from the `output:` prefix:
//   PREFIX.best.h5   weights with the lowest validation loss (what `call` uses)
//   PREFIX.final.h5  weights after the last step
//   PREFIX.ckpt.h5   checkpoint for --resume (weights, optimizer, state)
#pragma once

#include "dvhpc/commands.hpp"

namespace dvhpc {

void run_train(const RunContext& ctx);

}  // namespace dvhpc
