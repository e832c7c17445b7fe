// The /train group of a training checkpoint: TrainState plus the settings a
// resumed run must share with the original (seed, global batch).
#pragma once

#include <string>

#include "dvhpc/train/trainer.hpp"

namespace dvhpc::train {

void write_train_state(const std::string& path, const TrainState& s, uint64_t seed, int64_t global_batch);
// Throws Error(Input) when the file has no training state or its seed or
// global batch differ from the current run's (resuming would not be exact).
TrainState read_train_state(const std::string& path, uint64_t seed, int64_t global_batch);

}  // namespace dvhpc::train
