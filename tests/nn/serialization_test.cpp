// HDF5 checkpoints: round trip of parameters, buffers and optimiser state,
// and clear errors for the wrong model or a missing file.
#include <doctest/doctest.h>

#include "../test_util.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/nn/serialization.hpp"

using namespace dvhpc::nn;

TEST_CASE("nn: checkpoint round trip restores weights and running stats and Adam state") {
  dvhpc::test::TempDir dir;
  auto be = make_cpu_backend();
  PileupCnnConfig c;
  c.height = 12;
  c.width = 16;
  c.stem = 4;
  c.widths = {4, 8};
  auto a = make_pileup_cnn(*be, c);
  Adam opt_a(*be, a->parameters(), AdamParams{});
  Tensor x = be->from_host({2, 7, 12, 16}, std::vector<float>(2 * 7 * 12 * 16, 0.5f));
  const int32_t labels[2] = {0, 2};
  a->train_step(x, labels, opt_a);
  a->train_step(x, labels, opt_a);
  save_checkpoint(dir.file("m.h5"), *a, &opt_a);

  c.seed = 99;  // different initial weights, overwritten by the load
  auto b = make_pileup_cnn(*be, c);
  Adam opt_b(*be, b->parameters(), AdamParams{});
  load_checkpoint(dir.file("m.h5"), *b, &opt_b);
  CHECK(opt_b.steps() == 2);
  auto pa = a->parameters(), pb = b->parameters();
  for (size_t i = 0; i < pa.size(); ++i) CHECK(be->to_host(pa[i]->value) == be->to_host(pb[i]->value));
  auto ba = a->buffers(), bb = b->buffers();
  for (size_t i = 0; i < ba.size(); ++i) CHECK(be->to_host(ba[i]->value) == be->to_host(bb[i]->value));
  // Identical state => the next step is identical too.
  a->train_step(x, labels, opt_a);
  b->train_step(x, labels, opt_b);
  for (size_t i = 0; i < pa.size(); ++i) CHECK(be->to_host(pa[i]->value) == be->to_host(pb[i]->value));
}

TEST_CASE("nn: loading a checkpoint into the wrong model fails with an input error") {
  dvhpc::test::TempDir dir;
  auto be = make_cpu_backend();
  PileupRnnConfig small;
  small.hidden = 4;
  small.fc = 8;
  auto rnn = make_pileup_rnn(*be, small);
  save_checkpoint(dir.file("rnn.h5"), *rnn);
  auto cnn = make_pileup_cnn(*be);
  try {
    load_checkpoint(dir.file("rnn.h5"), *cnn);
    FAIL("expected an error");
  } catch (const dvhpc::Error& e) {
    CHECK(e.kind() == dvhpc::ErrorKind::Input);
    CHECK(std::string(e.what()).find("pileup_rnn") != std::string::npos);
  }
  small.hidden = 8;
  auto other = make_pileup_rnn(*be, small);
  CHECK_THROWS_WITH_AS(load_checkpoint(dir.file("rnn.h5"), *other), doctest::Contains("shape"), dvhpc::Error);
  CHECK_THROWS_AS(load_checkpoint(dir.file("missing.h5"), *rnn), dvhpc::Error);
  Sgd sgd(*be, rnn->parameters(), SgdParams{});
  CHECK_THROWS_WITH_AS(load_checkpoint(dir.file("rnn.h5"), *rnn, &sgd), doctest::Contains("optimizer"),
                       dvhpc::Error);
}
