// Clair3-style pileup-count features: float32 [33 positions, 18 channels]
// per candidate alt allele (and per alt pair), built by the Kokkos kernel in
// kernels/pileup_features.hpp. Position 16 (the centre) is the site's POS.
//
// The reads counted are the reads overlapping POS (the same reads the image
// draws, before downsampling), so every channel is a fraction of them: each
// count is divided by n = the number of those reads (all 0 when n = 0).
// Positions where some of them end or have not started yet simply count less.
//
//   channel  what is counted at position p (per read covering p)
//   0..3     forward-strand base A, C, G, T (base quality >= min_base_quality)
//   4..7     reverse-strand base A, C, G, T (same)
//   8, 9     an insertion follows the read's base at p (forward, reverse)
//   10, 11   a deletion spans p (forward, reverse)
//   12, 13   the read carries the alt asked about (forward, reverse): the
//            "which allele is this example about" signal, over the read's span
//   14, 15   the read carries another alt of the site (forward, reverse)
//            (12-15 at sites with an indel alt: the allele the read fits best
//            after realignment, kernels/realign.hpp; elsewhere the CIGAR's)
//   16       the read's base equals the reference base at p
//   17       mapping quality: min(mapq, 60) / 60 summed over reads covering p
//
// Multi-allelic sites give one example per alt and per alt pair, so the RNN
// answers "genotype of this alt" as the CNN does.
#pragma once

namespace dvhpc {

enum PileupFeatureChannel : int {
  kFeatFwdA = 0, kFeatFwdC, kFeatFwdG, kFeatFwdT,
  kFeatRevA, kFeatRevC, kFeatRevG, kFeatRevT,
  kFeatFwdIns, kFeatRevIns,
  kFeatFwdDel, kFeatRevDel,
  kFeatFwdAlt, kFeatRevAlt,
  kFeatFwdOtherAlt, kFeatRevOtherAlt,
  kFeatRefMatch,
  kFeatMapq,
  kNumFeatureChannels  // 18
};

}  // namespace dvhpc
