// cuBLAS dense and cuDNN (v8 RNN API) LSTM operators.
#include <algorithm>
#include <map>
#include <vector>

#include "gpu_common.hpp"

namespace dvhpc::nn::gpu {
namespace {

const float kOne = 1.0f, kZero = 0.0f;

cublasComputeType_t compute_type(Precision p) {
  switch (p) {
    case Precision::Bf16: return CUBLAS_COMPUTE_32F_FAST_16BF;
    case Precision::Fp16: return CUBLAS_COMPUTE_32F_FAST_16F;
    default: return CUBLAS_COMPUTE_32F;
  }
}

// Row-major tensors seen by column-major cuBLAS are transposed, so
//   y[N,out] = x[N,in] W[out,in]^T  is  Y(out x N) = W^T(out x in) X(in x N).
class GpuDense final : public DenseOp {
 public:
  GpuDense(std::shared_ptr<Ctx> ctx, const DenseSpec& s) : ctx_(std::move(ctx)), s_(s) {}

  void forward(const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) override {
    const int n = int(x.dim(0)), in = int(s_.in_features), out = int(s_.out_features);
    gemm(CUBLAS_OP_T, CUBLAS_OP_N, out, n, in, w.data(), in, x.data(), in, y.data(), out);
    if (s_.bias) launch_bias_rows(y.data(), b.data(), n, out, ctx_->stream);
  }

  void backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& dw, Tensor& db) override {
    const int n = int(x.dim(0)), in = int(s_.in_features), out = int(s_.out_features);
    if (dx.defined()) gemm(CUBLAS_OP_N, CUBLAS_OP_N, in, n, out, w.data(), in, dy.data(), out, dx.data(), in);
    gemm(CUBLAS_OP_N, CUBLAS_OP_T, in, out, n, x.data(), in, dy.data(), out, dw.data(), in);
    if (s_.bias) launch_col_sum(dy.data(), db.data(), n, out, ctx_->stream);
  }

 private:
  void gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const float* a, int lda, const float* b,
            int ldb, float* c, int ldc) {
    DVHPC_CHECK_CUBLAS(cublasGemmEx(ctx_->cublas, ta, tb, m, n, k, &kOne, a, CUDA_R_32F, lda, b, CUDA_R_32F, ldb,
                                    &kZero, c, CUDA_R_32F, ldc, compute_type(ctx_->precision), CUBLAS_GEMM_DEFAULT));
  }
  std::shared_ptr<Ctx> ctx_;
  DenseSpec s_;
};

// One cuDNN RNN descriptor per layer (1 layer, D directions). The canonical
// PyTorch-layout weights are scattered into cuDNN's weight space -- whose
// per-gate matrices are also [H, In] row-major, gate order i,f,g,o -- only
// when their version changes; gradients are gathered back the same way.
// Single input bias mode matches dvhpc's single (b_ih + b_hh) bias.
class GpuLstm final : public LstmOp {
 public:
  GpuLstm(std::shared_ptr<Ctx> ctx, const LstmSpec& s) : ctx_(std::move(ctx)), s_(s) {
    DVHPC_CHECK_CUDNN(cudnnCreateRNNDescriptor(&rd_));
    DVHPC_CHECK_CUDNN(cudnnSetRNNDescriptor_v8(
        rd_, CUDNN_RNN_ALGO_STANDARD, CUDNN_LSTM, CUDNN_RNN_SINGLE_INP_BIAS,
        s.bidirectional ? CUDNN_BIDIRECTIONAL : CUDNN_UNIDIRECTIONAL, CUDNN_LINEAR_INPUT, CUDNN_DATA_FLOAT,
        CUDNN_DATA_FLOAT, ctx_->cudnn_math(), int(s.input_size), int(s.hidden_size), int(s.hidden_size), 1, nullptr,
        CUDNN_RNN_PADDED_IO_DISABLED));
    DVHPC_CHECK_CUDNN(cudnnGetRNNWeightSpaceSize(ctx_->cudnn, rd_, &wspace_bytes_));
    wspace_ = ctx_->scratch(wspace_bytes_);
    dwspace_ = ctx_->scratch(wspace_bytes_);
    map_weight_space();
  }
  ~GpuLstm() override { DVHPC_WARN_CUDNN(cudnnDestroyRNNDescriptor(rd_)); }

  void forward(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& bias, Tensor& y,
               bool training) override {
    Plan& p = plan(x.dim(0), x.dim(1));
    pack(w_ih, w_hh, bias);
    const cudnnForwardMode_t mode = training ? CUDNN_FWD_MODE_TRAINING : CUDNN_FWD_MODE_INFERENCE;
    DVHPC_CHECK_CUDNN(cudnnRNNForward(ctx_->cudnn, rd_, mode, p.dev_seq_lengths.data_i32(), p.xd, x.data(), p.yd,
                                      y.data(), p.hd, nullptr, nullptr, p.hd, nullptr, nullptr, wspace_bytes_,
                                      wspace_.data(), p.ws_bytes, p.ws.data(), training ? p.reserve_bytes : 0,
                                      training ? p.reserve.data() : nullptr));
  }

  void backward(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& bias, const Tensor& y,
                const Tensor& dy, Tensor& dx, Tensor& dw_ih, Tensor& dw_hh, Tensor& dbias) override {
    Plan& p = plan(x.dim(0), x.dim(1));
    pack(w_ih, w_hh, bias);
    float* dxp = dx.defined() ? dx.data() : p.dx_scratch.data();  // cuDNN always writes dx
    DVHPC_CHECK_CUDNN(cudnnRNNBackwardData_v8(ctx_->cudnn, rd_, p.dev_seq_lengths.data_i32(), p.yd, y.data(),
                                              dy.data(), p.xd, dxp, p.hd, nullptr, nullptr, nullptr, p.hd, nullptr,
                                              nullptr, nullptr, wspace_bytes_, wspace_.data(), p.ws_bytes,
                                              p.ws.data(), p.reserve_bytes, p.reserve.data()));
    // Weight gradients are accumulated (ADD is the only mode), so zero first.
    DVHPC_CHECK_CUDA(cudaMemsetAsync(dwspace_.data(), 0, wspace_bytes_, ctx_->stream));
    DVHPC_CHECK_CUDNN(cudnnRNNBackwardWeights_v8(ctx_->cudnn, rd_, CUDNN_WGRAD_MODE_ADD, p.dev_seq_lengths.data_i32(),
                                                 p.xd, x.data(), p.hd, nullptr, p.yd, y.data(), wspace_bytes_,
                                                 dwspace_.data(), p.ws_bytes, p.ws.data(), p.reserve_bytes,
                                                 p.reserve.data()));
    copy_blocks(dwspace_, dw_ih, dw_hh, dbias, /*to_space=*/false);
  }

 private:
  struct IntBuf {  // device int32 array in a pooled block
    Tensor t;
    int32_t* data_i32() const { return reinterpret_cast<int32_t*>(t.data()); }
  };
  struct RnnData {
    cudnnRNNDataDescriptor_t d = nullptr;
    RnnData() { DVHPC_CHECK_CUDNN(cudnnCreateRNNDataDescriptor(&d)); }
    ~RnnData() { DVHPC_WARN_CUDNN(cudnnDestroyRNNDataDescriptor(d)); }
    RnnData(const RnnData&) = delete;
    operator cudnnRNNDataDescriptor_t() const { return d; }
  };
  struct Plan {
    RnnData xd, yd;
    TensorDesc hd;
    IntBuf dev_seq_lengths;
    size_t ws_bytes = 0, reserve_bytes = 0;
    Tensor ws, reserve, dx_scratch;
  };
  // Where each (direction, gate) block of the canonical tensors sits in the
  // cuDNN weight space, in floats.
  struct Block {
    int64_t space_off, canon_off, count;
    int which;  // 0 w_ih, 1 w_hh, 2 bias
  };

  Plan& plan(int64_t n, int64_t t) {
    auto& up = plans_[{n, t}];
    if (up) return *up;
    up = std::make_unique<Plan>();
    Plan& p = *up;
    std::vector<int> lengths(n, int(t));
    float fill = 0.0f;
    // [N,T,C] is cuDNN's batch-major unpacked layout.
    DVHPC_CHECK_CUDNN(cudnnSetRNNDataDescriptor(p.xd, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_BATCH_MAJOR_UNPACKED,
                                                int(t), int(n), int(s_.input_size), lengths.data(), &fill));
    DVHPC_CHECK_CUDNN(cudnnSetRNNDataDescriptor(p.yd, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_BATCH_MAJOR_UNPACKED,
                                                int(t), int(n), int(s_.directions() * s_.hidden_size),
                                                lengths.data(), &fill));
    const int hdims[3] = {int(s_.directions()), int(n), int(s_.hidden_size)};
    const int hstrides[3] = {int(n * s_.hidden_size), int(s_.hidden_size), 1};
    DVHPC_CHECK_CUDNN(cudnnSetTensorNdDescriptor(p.hd, CUDNN_DATA_FLOAT, 3, hdims, hstrides));
    p.dev_seq_lengths.t = ctx_->scratch(n * sizeof(int32_t));
    DVHPC_CHECK_CUDA(cudaMemcpyAsync(p.dev_seq_lengths.t.data(), lengths.data(), n * sizeof(int32_t),
                                     cudaMemcpyHostToDevice, ctx_->stream));
    DVHPC_CHECK_CUDA(cudaStreamSynchronize(ctx_->stream));  // `lengths` dies at return
    DVHPC_CHECK_CUDNN(cudnnGetRNNTempSpaceSizes(ctx_->cudnn, rd_, CUDNN_FWD_MODE_TRAINING, p.xd, &p.ws_bytes,
                                                &p.reserve_bytes));
    p.ws_bytes = std::max<size_t>(p.ws_bytes, 256);
    p.reserve_bytes = std::max<size_t>(p.reserve_bytes, 256);
    p.ws = ctx_->scratch(p.ws_bytes);
    p.reserve = ctx_->scratch(p.reserve_bytes);
    p.dx_scratch = ctx_->scratch(n * t * s_.input_size * sizeof(float));
    return p;
  }

  void map_weight_space() {
    TensorDesc md, bd;
    const int64_t h = s_.hidden_size;
    char* base = reinterpret_cast<char*>(wspace_.data());
    for (int64_t d = 0; d < s_.directions(); ++d)
      for (int lin = 0; lin < 8; ++lin) {
        void *maddr = nullptr, *baddr = nullptr;
        DVHPC_CHECK_CUDNN(cudnnGetRNNWeightParams(ctx_->cudnn, rd_, int(d), wspace_bytes_, wspace_.data(), lin, md,
                                                  &maddr, bd, &baddr));
        const int gate = lin % 4;
        const bool input = lin < 4;
        const int64_t in = input ? s_.input_size : h;
        blocks_.push_back({(reinterpret_cast<char*>(maddr) - base) / int64_t(sizeof(float)),
                           (d * 4 + gate) * h * in, h * in, input ? 0 : 1});
        if (baddr)  // single input bias: only the input linear layers have one
          blocks_.push_back({(reinterpret_cast<char*>(baddr) - base) / int64_t(sizeof(float)), (d * 4 + gate) * h, h, 2});
      }
  }

  void copy_blocks(Tensor& space, const Tensor& w_ih, const Tensor& w_hh, const Tensor& bias, bool to_space) {
    const Tensor* canon[3] = {&w_ih, &w_hh, &bias};
    for (const Block& b : blocks_) {
      float* sp = space.data() + b.space_off;
      float* cp = canon[b.which]->data() + b.canon_off;
      DVHPC_CHECK_CUDA(cudaMemcpyAsync(to_space ? sp : cp, to_space ? cp : sp, b.count * sizeof(float),
                                       cudaMemcpyDeviceToDevice, ctx_->stream));
    }
  }

  void pack(const Tensor& w_ih, const Tensor& w_hh, const Tensor& bias) {
    const uint64_t key[6] = {reinterpret_cast<uint64_t>(w_ih.data()), w_ih.version(),
                             reinterpret_cast<uint64_t>(w_hh.data()), w_hh.version(),
                             reinterpret_cast<uint64_t>(bias.data()), bias.version()};
    if (std::equal(key, key + 6, packed_key_)) return;
    copy_blocks(wspace_, w_ih, w_hh, bias, /*to_space=*/true);
    std::copy(key, key + 6, packed_key_);
  }

  std::shared_ptr<Ctx> ctx_;
  LstmSpec s_;
  cudnnRNNDescriptor_t rd_ = nullptr;
  size_t wspace_bytes_ = 0;
  Tensor wspace_, dwspace_;
  std::vector<Block> blocks_;
  uint64_t packed_key_[6] = {0, ~0ull, 0, ~0ull, 0, ~0ull};
  std::map<std::pair<int64_t, int64_t>, std::unique_ptr<Plan>> plans_;
};

}  // namespace

std::unique_ptr<DenseOp> make_dense(std::shared_ptr<Ctx> ctx, const DenseSpec& spec) {
  return std::make_unique<GpuDense>(std::move(ctx), spec);
}
std::unique_ptr<LstmOp> make_lstm(std::shared_ptr<Ctx> ctx, const LstmSpec& spec) {
  return std::make_unique<GpuLstm>(std::move(ctx), spec);
}

}  // namespace dvhpc::nn::gpu
