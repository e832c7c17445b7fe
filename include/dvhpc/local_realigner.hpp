// Local assembly and realignment of reads before allele counting, the step
// DeepVariant calls its realigner and GATK HaplotypeCaller builds on.
//
// An aligner maps each read on its own, so one indel comes out spelled many
// ways: placed anywhere along a repeat, as a run of mismatches, as a soft
// clip, as several small indels (an 8 bp insertion in a GATA repeat spelled
// as 1-4 bp indels by bwa). Counts then split the true allele's support
// across spellings, and candidate thresholds miss it. Here, where reads
// disagree about indels (assembly/active_windows.hpp):
//
//   1. the reads over the window are assembled with a de Bruijn graph into
//      candidate haplotypes (assembly/debruijn.hpp);
//   2. each haplotype is aligned to the reference window;
//   3. each read's bases over the window plus 300 bases either side (the
//      whole read for short reads; assembly/read_fragment.hpp) are aligned
//      to every haplotype, flanked by reference, and, when the best
//      haplotype fits them strictly better than the current alignment, they
//      get that alignment composed with the haplotype's and spliced back
//      into the read's: every read carrying an allele now spells it the
//      same way (assembly/align.hpp). The cost per read is bounded by the
//      window, not the read: a 20 kb long read costs what a short one does.
//
// The batch stays sorted by start. Reads outside windows, and reads no
// haplotype explains better, are untouched. Deterministic: the result
// depends only on the reads and the reference, not on threads or ranks.
#pragma once

#include <cstdint>
#include <string>

#include <vector>

#include "dvhpc/allele_counts.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/read_batch.hpp"

namespace dvhpc {

struct RealignStats {
  int64_t windows = 0;          // active windows found
  int64_t too_long = 0;         // active regions over assembly.max_window, skipped
  int64_t not_assembled = 0;    // windows where no k gave a usable graph
  int64_t with_alts = 0;        // windows that assembled a non-reference haplotype
  int64_t reads_considered = 0; // reads aligned against the haplotypes
  int64_t reads_realigned = 0;  // reads whose alignment changed
  RealignStats& operator+=(const RealignStats& o);
};

// Realigns `batch` in place. `ref` holds the reference from ref_begin and
// must cover the batch's region (the padded shard). min_base_quality: bases
// below it do not build graph edges. `assembled` (optional) receives the
// indels of every non-reference haplotype that at least
// assembly.min_edge_weight reads fit best, with that read count: candidates
// for alleles no single read spans (a 20 bp insertion that every read
// carrying it shows only as a soft clip at one end).
RealignStats realign_reads(ReadBatch& batch, const std::string& ref, int64_t ref_begin, const AssemblyConfig& cfg,
                           int min_base_quality, std::vector<IndelAllele>* assembled = nullptr);

}  // namespace dvhpc
