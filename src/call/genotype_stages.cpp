#include "genotype_stages.hpp"

namespace dvhpc {

std::vector<GenotypeCall> genotype_sample(Genotyper& g, const GenotypeInput& in, StageTimes& times) {
  RnnExamples ex;
  {
    ScopedStage st(times, "features");
    ex = g.features(in);
  }
  std::vector<GenotypeCall> calls;
  CnnExamples hard;
  {
    ScopedStage st(times, "rnn");
    calls = g.rnn(in, ex);
    hard = g.hard_sites(in, calls);
  }
  for (size_t group = 0; group < hard.groups.size(); ++group) {
    nn::Tensor images;
    {
      ScopedStage st(times, "images");
      images = g.images(in, hard, group);
    }
    ScopedStage st(times, "cnn");
    g.cnn(hard, group, images);
  }
  ScopedStage st(times, "cnn");
  g.merge(hard, calls);
  return calls;
}

}  // namespace dvhpc
