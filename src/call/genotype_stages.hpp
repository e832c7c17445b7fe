// One sample's genotyping at a shard's sites, as the timed stages of `call`:
//
//   features   count features of every example (Kokkos)
//   rnn        the Bi-LSTM on every example -> a call per site
//   images     pileup images of the hard sites (RNN GQ < model.cnn_gq_threshold), group by group
//   cnn        the CNN on each group; its calls replace the RNN's
//
// The Genotyper does the work with narrow inputs; the stages are timed here,
// from outside, so no domain signature carries a timer.
#pragma once

#include <vector>

#include "genotyper.hpp"
#include "dvhpc/timer.hpp"

namespace dvhpc {

std::vector<GenotypeCall> genotype_sample(Genotyper& g, const GenotypeInput& in, StageTimes& times);

}  // namespace dvhpc
