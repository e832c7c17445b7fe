// From network outputs to a genotype call: GT, GQ, QUAL and PL for a site.
//
// The networks answer one question per example: "how many copies of these
// alt alleles does the sample carry?" as probabilities p[0], p[1], p[2] (the
// classes hom-ref, het, hom-alt). A biallelic site has one example. At a
// multi-allelic site with alts A1..An there is one example per alt and, for
// the CNN, per pair of alts (DeepVariant's alt subsets). Every diploid
// genotype g = (i, j) over {REF, A1..An} is scored against each example's
// alt set S by k = how many of g's two alleles lie in S:
//
//   score(g) = min over examples S of p_S[k(g, S)]
//
// i.e. a genotype is as likely as its least supported view, as DeepVariant's
// postprocess_variants does for alt subsets. Scores are normalised into a
// posterior over genotypes. Then:
//   GT   = argmax posterior (ties broken towards fewer alt copies)
//   GQ   = -10 log10(1 - P(GT)), capped at 99
//   QUAL = -10 log10(P(0/0)), capped at 999 (the evidence for any variant)
//   PL   = -10 log10(P(g) / P(GT)) per genotype in VCF order, rounded
// Probabilities are floored at 1e-10 so logs stay finite.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace dvhpc {

// One network prediction over a set of alts (1-based alt indexes).
struct AltSetPrediction {
  std::vector<int> alts;       // e.g. {1} or {1, 2}
  std::array<float, 3> probs;  // P(0, 1, 2 copies of alleles in `alts`)
};

struct GenotypeCall {
  int allele1 = 0, allele2 = 0;    // GT, allele1 <= allele2
  double gq = 0;                   // genotype quality
  double qual = 0;                 // site quality
  std::vector<int> pl;             // VCF order: for j in 0..n, i in 0..j: (i, j)
  std::vector<double> posterior;   // same order as pl
  // Reads by allele (REF, then each ALT) from realignment at indel sites;
  // empty where the site was not realigned (AD then comes from the counts).
  std::vector<int32_t> realigned_ad;
  bool is_variant() const { return allele2 > 0; }
};

// n_alts >= 1; predictions must cover every alt at least once.
GenotypeCall call_genotype(int n_alts, const std::vector<AltSetPrediction>& predictions);

// Index of genotype (i, j), i <= j, in VCF PL order: j*(j+1)/2 + i.
inline int genotype_index(int i, int j) { return j * (j + 1) / 2 + i; }

}  // namespace dvhpc
