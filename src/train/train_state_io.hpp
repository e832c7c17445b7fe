// The /train group of a training checkpoint: TrainState plus the settings a
// resumed run must share with the original (seed, global batch).
#pragma once

#include <functional>
#include <string>

#include "dvhpc/train/trainer.hpp"

namespace dvhpc::train {

void write_train_state(const std::string& path, const TrainState& s, uint64_t seed, int64_t global_batch);
// Throws Error(Input) when the file has no training state or its seed or
// global batch differ from the current run's (resuming would not be exact).
TrainState read_train_state(const std::string& path, uint64_t seed, int64_t global_batch);

// Collective: rank 0 writes a checkpoint through `write` (given the
// temporary name) and renames it to `path`, so a crash never leaves a torn
// checkpoint; a failure there is thrown as Error(Output) on every rank.
void save_checkpoint_on_root(const Comm& comm, const std::string& path,
                             const std::function<void(const std::string& tmp)>& write);

}  // namespace dvhpc::train
