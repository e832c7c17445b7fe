// `gblup`: GBLUP / ridge regression on markers (kernel_ridge.hpp) with the
// genomic relationship matrix built in parallel from the 2-bit blocks.
//
// K = X^T X over all variants [samples, samples], X the markers as
// StandardizedGenotypes holds them (centred: g - 2p, or plink-standardised),
// mean-imputed. Each rank forms its own variants' part with the tiled
// decode + sgemm of standardized_genotypes.hpp; the parts are summed over
// ranks in double (MPI allreduce), so every rank holds all of K. From there
// lambda by REML: one eigendecomposition of K over all the samples of the
// tasks serves every fold, trait and the final fit (held_out_reml.hpp); by
// leave-one-out: one eigendecomposition of each training block
// (kernel_ridge.hpp). Cross-validation tasks are dealt whole to ranks
// (largest first, each to the least loaded rank) and their results summed
// back; the outcome does not depend on which rank ran a task.
#pragma once

#include <memory>

#include "gp_model.hpp"
#include "held_out_reml.hpp"
#include "kernel_ridge.hpp"

namespace dvhpc {
class StandardizedGenotypes;
}

namespace dvhpc::gp {

class Gblup : public GpModel {
 public:
  // Collective: builds K. `x` must outlive the model.
  Gblup(const Comm& comm, const StandardizedGenotypes& x, Shrinkage how);

  std::string name() const override { return "gblup"; }
  void fit(const FitTask& task) override;
  std::vector<std::vector<double>> predict(const std::vector<int64_t>& samples) const override;
  std::vector<double> shrinkage() const override;
  std::vector<TaskResult> run_tasks(const std::vector<FitTask>& tasks) override;
  // Collective; the effects on rank 0 only (empty elsewhere).
  bool marker_effects(MarkerEffects* out) const override;

  const std::vector<double>& relationship() const { return k_; }  // [n, n]

 private:
  // One task on this rank alone: its fits (one per trait).
  std::vector<RidgeFit> solve(const FitTask& task) const;
  // Collective-free: makes held_ cover `samples` (REML only), reusing it
  // when they are all in its base set. Every rank holds the same.
  void cover(const std::vector<int64_t>& samples);
  // K rows `rows` x columns `cols` (genotype columns).
  std::vector<double> block(const std::vector<int64_t>& rows, const std::vector<int64_t>& cols) const;

  const Comm& comm_;
  const StandardizedGenotypes& x_;
  Shrinkage how_;
  int64_t n_ = 0;
  std::vector<double> k_;
  std::vector<int64_t> base_;     // genotype columns of held_'s base set, ascending
  std::vector<int64_t> base_at_;  // position in base_ per genotype column, -1 if none
  std::unique_ptr<HeldOutReml> held_;
  std::vector<int64_t> train_;  // the last fit
  std::vector<RidgeFit> fits_;
};

}  // namespace dvhpc::gp
