// CPU backend internals (oneDNN engine/stream, operator factories).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <memory>

#include "dvhpc/nn/backend.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/nn/block_pool.hpp"
#include "dvhpc/nn/inference_plan.hpp"

namespace dvhpc::nn::cpu {

// Shared by all operators of one backend: the engine and an in-order stream.
struct Ctx {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
};

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

inline dnnl::memory::desc md(const dims& d, tag t) { return dnnl::memory::desc(d, dt::f32, t); }
inline dims to_dims(const Shape& s) { return dims(s.begin(), s.end()); }

// A oneDNN memory object created once and re-pointed at each call's buffer
// (set_data_handle is a pointer store, not a setup).
struct BoundMem {
  dnnl::memory mem;
  dnnl::memory& at(const Tensor& t) {
    mem.set_data_handle(t.data());
    return mem;
  }
};

std::unique_ptr<Conv2dOp> make_conv2d(std::shared_ptr<Ctx> ctx, const Conv2dSpec& spec);
// Fused inference of the pileup CNN (cpu_fused_cnn.cpp); nullptr for other models.
std::unique_ptr<InferencePlan> make_fused_cnn(std::shared_ptr<Ctx> ctx, Backend& be, Model& m);
std::unique_ptr<BatchNormOp> make_batch_norm(std::shared_ptr<Ctx> ctx, const BatchNormSpec& spec);
std::unique_ptr<ReluOp> make_relu(std::shared_ptr<Ctx> ctx);
std::unique_ptr<PoolOp> make_pool(std::shared_ptr<Ctx> ctx, const PoolSpec& spec);
std::unique_ptr<DenseOp> make_dense(std::shared_ptr<Ctx> ctx, const DenseSpec& spec);
std::unique_ptr<LstmOp> make_lstm(std::shared_ptr<Ctx> ctx, const LstmSpec& spec);

// Checks a tensor's shape at an operator boundary (cheap; catches wiring bugs).
void expect_shape(const Tensor& t, const Shape& s, const char* what);

}  // namespace dvhpc::nn::cpu
