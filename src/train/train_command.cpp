// `dvhpc train`: data-parallel training of the RNN or the CNN from example
// stores made by `dvhpc make-examples` (see train/trainer.hpp for the
// algorithm). Outputs, from the `output:` prefix:
//   PREFIX.best.h5   weights with the lowest validation loss (what `call` uses)
//   PREFIX.final.h5  weights after the last step
//   PREFIX.ckpt.h5   checkpoint for --resume (weights, optimizer, state)
#include <cstdio>

#include "dvhpc/commands.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/example_store.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/nn/serialization.hpp"
#include "dvhpc/train/store_examples.hpp"
#include "dvhpc/train/trainer.hpp"

namespace dvhpc {

DVHPC_COMMAND(run_train, "train",
              "data-parallel training of the RNN or CNN from example HDF5 files") {
  const Config& cfg = ctx.cfg;
  const TrainConfig& tc = cfg.train;
  std::unique_ptr<train::ExampleSource> data;
  {
    ScopedStage st(ctx.times, "load");
    if (tc.model == "rnn")
      data = train::load_feature_examples(tc.examples);
    else
      data = std::make_unique<train::StoreImageExamples>(tc.examples);
  }
  auto be = nn::make_backend(cfg.model.device, nn::parse_precision(cfg.model.precision), ctx.comm.local_rank());
  std::unique_ptr<nn::Model> model;
  if (tc.model == "rnn") {
    nn::PileupRnnConfig rc;
    rc.positions = data->example_shape()[0];
    rc.channels = data->example_shape()[1];
    rc.seed = tc.seed;
    model = nn::make_pileup_rnn(*be, rc);
  } else {
    nn::PileupCnnConfig cc;
    cc.channels = data->example_shape()[0];
    cc.height = data->example_shape()[1];
    cc.width = data->example_shape()[2];
    cc.seed = tc.seed;
    model = nn::make_pileup_cnn(*be, cc);
  }
  if (!tc.init_weights.empty()) {
    nn::load_checkpoint(tc.init_weights, *model);
    log::info("starting from the weights in {}", tc.init_weights);
  }
  log::info("training the {} ({} parameters) on {} examples from {} store(s), backend {}, gradients by {}",
            tc.model, model->parameter_count(), data->size(), tc.examples.size(), be->name(),
            be->device() == nn::Device::GPU ? "NCCL" : "MPI");

  train::TrainOptions o;
  o.global_batch = tc.batch_size;
  o.epochs = tc.epochs;
  o.max_steps = tc.max_steps;
  o.learning_rate = static_cast<float>(tc.learning_rate);
  o.weight_decay = static_cast<float>(tc.weight_decay);
  o.warmup_steps = tc.warmup_steps;
  o.validation_fraction = tc.validation_fraction;
  o.early_stop_patience = tc.early_stop_patience;
  o.checkpoint_every = tc.checkpoint_every;
  o.seed = tc.seed;
  o.checkpoint_path = cfg.output + ".ckpt.h5";
  o.best_path = cfg.output + ".best.h5";
  o.progress = cfg.progress;
  train::Trainer trainer(ctx.comm, *model, *data, o);
  if (ctx.args.resume) trainer.resume(o.checkpoint_path);

  auto history = trainer.run(ctx.times);
  {
    ScopedStage st(ctx.times, "checkpoint");
    std::string err;
    if (ctx.comm.is_root()) {
      try {
        const std::string tmp = cfg.output + ".final.h5.tmp";
        nn::save_checkpoint(tmp, *model);
        if (std::rename(tmp.c_str(), (cfg.output + ".final.h5").c_str()) != 0)
          throw Error(ErrorKind::Output, "cannot write " + cfg.output + ".final.h5");
      } catch (const Error& e) {
        err = e.what();
      }
    }
    err = ctx.comm.broadcast(err);
    if (!err.empty()) throw Error(ErrorKind::Output, err);
  }
  if (ctx.comm.is_root() && !history.empty()) {
    std::printf("epoch  train_loss  val_loss  val_acc  prec(hom-ref,het,hom-alt)  recall(hom-ref,het,hom-alt)  examples/s\n");
    for (const auto& m : history)
      std::printf("%5lld  %10.4f  %8.4f  %7.4f  %.3f,%.3f,%.3f               %.3f,%.3f,%.3f                 %.0f\n",
                  static_cast<long long>(m.epoch), m.train_loss, m.val_loss, m.val_accuracy, m.precision[0],
                  m.precision[1], m.precision[2], m.recall[0], m.recall[1], m.recall[2], m.examples_per_second);
  }
  log::info("best model (val loss {:.4f}) -> {}.best.h5; final -> {}.final.h5; checkpoint -> {}.ckpt.h5",
            trainer.state().best_val_loss, cfg.output, cfg.output, cfg.output);
}

}  // namespace dvhpc
