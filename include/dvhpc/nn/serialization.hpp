// Checkpoints: a model's parameters, buffers and (optionally) optimiser state
// in one HDF5 file, written and read by one rank with the default (serial)
// property lists. Layout:
//   /            attrs  format="dvhpc-nn-1", arch=<Model::arch()>
//   /params/<param name>        float32, the parameter's shape
//   /buffers/<buffer name>      float32 (batch-norm running statistics)
//   /optimizer  attrs kind ("sgd"/"adam"), steps;  /optimizer/<slot>/<param name>
// Loading checks the architecture name and every shape and fails with
// ErrorKind::Input naming the first mismatch.
#pragma once

#include <string>

#include "dvhpc/nn/model.hpp"

namespace dvhpc::nn {

void save_checkpoint(const std::string& path, Model& model, Optimizer* opt = nullptr);
void load_checkpoint(const std::string& path, Model& model, Optimizer* opt = nullptr);

}  // namespace dvhpc::nn
