// Data-parallel training: same weights at N ranks as at 1 rank, exact
// resume from a checkpoint, and a model that actually learns. Runs under
// mpirun -np 1 and -np 2.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "dvhpc/comm.hpp"
#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/timer.hpp"
#include "dvhpc/train/trainer.hpp"
#include "train_fixtures.hpp"

using namespace dvhpc;

namespace {

std::unique_ptr<nn::Model> small_rnn(nn::Backend& be, float dropout) {
  nn::PileupRnnConfig c;
  c.hidden = 8;
  c.fc = 16;
  c.dropout = dropout;
  c.seed = 3;
  return nn::make_pileup_rnn(be, c);
}

train::TrainOptions options(int64_t max_steps) {
  train::TrainOptions o;
  o.global_batch = 64;
  o.epochs = 20;
  o.max_steps = max_steps;
  o.learning_rate = 5e-3f;
  o.warmup_steps = 4;
  o.validation_fraction = 0.1;
  o.progress = false;
  o.early_stop_patience = 100;
  return o;
}

std::vector<float> weights(nn::Model& m) {
  std::vector<float> out;
  for (nn::Param* p : m.parameters()) {
    std::vector<float> h(static_cast<size_t>(p->value.numel()));
    m.backend().download(p->value, h.data());
    out.insert(out.end(), h.begin(), h.end());
  }
  return out;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(double(a[i]) - double(b[i])));
  return d;
}

}  // namespace

TEST_CASE("N ranks give the weights of 1 rank for the same global batch") {
  Comm world = Comm::world();
  auto be = nn::make_backend("cpu");
  auto data = test::synthetic_examples(600, 11);
  StageTimes times;

  auto par = small_rnn(*be, 0.0f);
  train::Trainer t(world, *par, data, options(12));
  t.run(times);
  std::vector<float> w_par = weights(*par);

  // The 1-rank reference, computed by each rank alone on MPI_COMM_SELF.
  Comm self(MPI_COMM_SELF);
  auto ref = small_rnn(*be, 0.0f);
  train::Trainer t1(self, *ref, data, options(12));
  t1.run(times);
  std::vector<float> w_ref = weights(*ref);

  CHECK(t.state().step == 12);
  CHECK(max_abs_diff(w_par, w_ref) < 2e-5);
  CHECK(max_abs_diff(w_par, weights(*small_rnn(*be, 0.0f))) > 1e-3);  // it did train
}

TEST_CASE("stop after k steps, resume: the same weights as an uninterrupted run") {
  Comm world = Comm::world();
  auto be = nn::make_backend("cpu");
  auto data = test::synthetic_examples(600, 5);
  StageTimes times;
  std::string dir = world.broadcast(std::filesystem::temp_directory_path().string() + "/dvhpc-train-" +
                                    std::to_string(::getpid()));
  if (world.is_root()) std::filesystem::create_directories(dir);
  world.barrier();

  // Dropout on: its mask stream is part of the state a resume must restore.
  auto opts = options(10);
  opts.checkpoint_every = 5;
  opts.checkpoint_path = dir + "/ckpt.h5";
  opts.best_path = dir + "/best.h5";
  auto a = small_rnn(*be, 0.2f);
  train::Trainer ta(world, *a, data, opts);
  ta.run(times);  // stops at step 10 (epoch 2 of 8-step epochs), checkpoint at 10
  if (world.is_root()) CHECK(std::filesystem::exists(dir + "/best.h5"));

  auto b = small_rnn(*be, 0.2f);
  auto opts_b = options(20);
  train::Trainer tb(world, *b, data, opts_b);
  tb.resume(dir + "/ckpt.h5");
  CHECK(tb.state().step == 10);
  tb.run(times);

  auto c = small_rnn(*be, 0.2f);
  train::Trainer tc(world, *c, data, options(20));
  tc.run(times);
  CHECK(tb.state().step == 20);
  CHECK(max_abs_diff(weights(*b), weights(*c)) == 0.0);

  // A checkpoint from another seed cannot be resumed exactly: refused.
  auto d = small_rnn(*be, 0.2f);
  auto opts_d = options(20);
  opts_d.seed = 99;
  train::Trainer td(world, *d, data, opts_d);
  CHECK_THROWS_AS(td.resume(dir + "/ckpt.h5"), Error);
  world.barrier();
  if (world.is_root()) std::filesystem::remove_all(dir);
}

TEST_CASE("the model learns the synthetic task; validation metrics are reduced over ranks") {
  Comm world = Comm::world();
  auto be = nn::make_backend("cpu");
  auto data = test::synthetic_examples(900, 2);
  StageTimes times;
  auto m = small_rnn(*be, 0.0f);
  auto o = options(0);
  o.epochs = 15;
  train::Trainer t(world, *m, data, o);
  auto before = t.validate();
  auto hist = t.run(times);
  REQUIRE(hist.size() == 15);
  CHECK(hist.back().val_loss < before.val_loss * 0.5);
  CHECK(hist.back().val_accuracy > 0.95);
  CHECK(hist.back().val_examples == before.val_examples);
  CHECK(hist.back().val_examples > 50);
  for (double r : hist.back().recall) CHECK(r > 0.9);
}
