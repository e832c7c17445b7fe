// DeepVariant-style pileup images: one uint8 image [H, W, C] per candidate
// alt allele (and per pair of alts at multi-allelic sites), built by the
// Kokkos kernel in kernels/pileup_image.hpp.
//
//   column:   0 ........... W/2 ........... W-1      W/2 = the site's POS (REF's
//                            |                       first base, 0-based pos)
//   row 0    [ reference    R                    ]   H - max_reads reference rows
//   ...      [ reference    R                    ]   (5 by default), all alike
//   row 5    [ read   ======A======              ]   reads overlapping POS, up to
//   row 6    [      =====---*----====            ]   max_reads (95), sorted by
//   ...      [   ==========A=I=====              ]   start; unused rows are 0
//   row H-1  [                                   ]
//
// Downsampling is deterministic: when more than max_reads reads overlap
// POS, the reads with the smallest mix(QNAME hash, POS) are kept, so a site
// gives the same image on any rank count and shard layout.
//
// Channels (value 0 = no read / outside the contig, in every channel):
//   0 base          A 250, G 180, T 100, C 30, N 10; a deletion span 60
//   1 base quality  min(q, 40) * 254 / 40   (a deletion: the next base's q)
//   2 mapping qual  min(mapq, 60) * 254 / 60
//   3 strand        forward 70, reverse 240
//   4 supports alt  254 if the read carries the alt asked about (either alt
//                   of an alt pair), 144 otherwise; at sites with an indel
//                   alt "carries" means "fits best after realignment"
//                   (kernels/realign.hpp), elsewhere the CIGAR decides
//   5 differs ref   254 where the read base differs from the reference, over
//                   a deletion span, and on the base before an insertion;
//                   144 where it matches
//   6 insert size   min(|TLEN|, 1000) * 254 / 1000, 0 when TLEN is 0
//                   (only with pileup.insert_size_channel: true)
// Reference rows: base = the reference base, qualities 254, strand 70,
// supports alt 144, differs 144.
#pragma once

#include <cstdint>

#include "dvhpc/config.hpp"

namespace dvhpc {

enum PileupImageChannel : int {
  kImgBase = 0,
  kImgBaseQuality,
  kImgMappingQuality,
  kImgStrand,
  kImgSupportsAlt,
  kImgDiffersRef,
  kImgInsertSize,  // optional, last
};

// Channels of an image under `cfg`: 6, or 7 with the insert-size channel.
inline int pileup_channels(const PileupConfig& cfg) { return cfg.insert_size_channel ? 7 : 6; }
// Reference rows at the top of an image.
inline int pileup_reference_rows(const PileupConfig& cfg) { return cfg.height - cfg.max_reads; }

// The networks take float NCHW in [0, 1]; images are stored uint8 HWC.
inline void image_to_nchw(const uint8_t* hwc, int64_t H, int64_t W, int64_t C, float* chw) {
  for (int64_t h = 0; h < H; ++h)
    for (int64_t w = 0; w < W; ++w)
      for (int64_t c = 0; c < C; ++c) chw[(c * H + h) * W + w] = hwc[(h * W + w) * C + c] * (1.0f / 255.0f);
}

}  // namespace dvhpc
