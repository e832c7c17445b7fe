// Predicting NEW samples with a trained gcn (gcn_model.hpp), which is
// transductive: its nodes are the samples of the fit's genotype matrix, and
// a sample outside it has no node. The rule, for a new sample s with scores
// f_s (its centred markers through the saved loadings, nn_saved.hpp):
//
// 1. Twin. If a training node j has the same scores (|f_s - f_j| <= 1e-4
//    |f_j|; the nearest such j), s IS node j: its prediction is node j's
//    output from the training graph. Every saved model sees a sample only
//    through its scores (GBLUP through X^T x, which is the same span), so a
//    sample whose scores equal a node's is that node to all of them; and it
//    makes the gcn, like gblup and mlp, give a training sample genotyped
//    again its final-fit prediction (exactly, up to float rounding).
// 2. Otherwise s joins the FROZEN training graph as one more node, its row of
//    A_hat built as training builds rows: neighbours = its k nearest training
//    nodes by normalised relationship, plus (symmetrising) every node j that
//    would have s among its own k nearest, i.e. sim(j, s) >= the similarity
//    of j's k-th nearest (Propagation::kth_similarity); a self loop;
//    A_sj = 1 / sqrt(deg_s deg_j) with deg_s = 1 + |neighbours| and deg_j
//    the node's TRAINING degree. Then
//      h_s = A_ss f_s + sum_j A_sj f_j,   out_s = A_ss net(h_s) + sum_j A_sj z_j
//    with z_j = net((A_hat F)_j) the training nodes' outputs.
// What is exact: the relationship of s to node j is computed from scores,
// sim(s, j) = f_s . f_j / (|f_s| |f_j|); for two training samples this is
// training's K_ij / sqrt(K_ii K_jj) exactly (f . f = K / unit^2) when every
// non-null component is kept (gp.nn.components: 0, the default; a cap
// makes it the relationship over the kept components, an approximation).
// For a new sample it is the relationship of its projection onto the
// training samples' span (the part of its genotypes any saved model sees).
// Applied to a training node j with j itself left out (`exclude`), step 2
// reproduces node j's training row and output (tested).
// The approximation: adding s to the graph would raise its neighbours'
// degrees and could displace one of their k nearest, changing their rows
// and hence z_j and A_sj; the graph is frozen instead, so new samples do not
// affect each other or the training nodes (the prediction of a sample does
// not depend on which other new samples are predicted with it).
#pragma once

#include <cstdint>
#include <vector>

#include "nn_features.hpp"
#include "nn_net.hpp"

namespace dvhpc::gp {

// The training graph and node features a gcn's predictions need.
struct GcnGraph {
  Propagation a;
  int64_t width = 0;
  std::vector<float> scores;  // F [n, width], the training nodes' scores
};

struct InductiveRow {
  int64_t twin = -1;  // >= 0: the sample is this node (rule 1); the rest unused
  std::vector<int64_t> col;
  std::vector<float> weight;  // A_sj per neighbour
  float self = 0;             // A_ss
};

// Rule 1 or 2 for one new sample with scores `fs` [width]; `norms` = |f_j|
// per node; `exclude` >= 0 leaves that node out of the candidates (tests).
InductiveRow inductive_row(const GcnGraph& g, const std::vector<double>& norms, const float* fs,
                           int64_t exclude = -1);
std::vector<double> node_norms(const GcnGraph& g);

// Standardised outputs [m, traits] of new samples with scores `fs` [m, width]
// from the trained network `net` (inference: no dropout).
std::vector<float> gcn_outputs_new(SampleNet& net, const GcnGraph& g, const std::vector<float>& fs, int64_t m);

}  // namespace dvhpc::gp
