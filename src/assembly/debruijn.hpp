// Local haplotype assembly over a small window with a de Bruijn graph, the
// way DeepVariant's realigner and GATK HaplotypeCaller find candidate
// haplotypes: aligners place indels inconsistently (anywhere along a repeat,
// as mismatches plus soft clips), but the k-mers of the reads do not depend
// on where an aligner put them. The reference window forms a backbone path
// from its first k-mer (source) to its last (sink); read k-mers add branches
// off it; branches seen in too few reads are pruned; every source->sink path
// of what is left spells one candidate haplotype.
//
// k starts small (sensitive: a variant needs only k+1 good bases per read to
// be seen) and grows until the graph can be trusted: a window whose
// reference repeats a k-mer, or a graph with a cycle (a repeat unit shorter
// than k lets a path loop), gives no well-defined set of haplotypes.
//
// Edge weights count reads, not occurrences: a read that crosses a repeat
// twice is one observation of it. Haplotypes are ranked by GATK's score: the
// sum over the path's edges of log10 of the fraction of the reads leaving a
// node that take that edge (see debruijn.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc::assembly {

struct AssemblyParams {
  int k_min = 10;             // first k tried
  int k_max = 64;             // last k tried (inclusive; at most 64)
  int k_step = 4;             // k_min, k_min+step, ... until a k works
  int min_edge_weight = 2;    // non-reference edges seen in fewer reads are pruned
  int min_base_quality = 10;  // a read k-mer (edge) counts only if all its bases have quality >= this
  int max_haplotypes = 16;    // at most this many haplotypes, the reference included: the best-scoring ones
};

// One read's bases over the window: `bases` are codes 0..4 = A,C,G,T,N
// (N never forms k-mers), `quals` phred, same length.
struct ReadSeq {
  const uint8_t* bases;
  const uint8_t* quals;
  size_t len;
};

struct AssemblyResult {
  bool ok = false;  // false: no k in range gave a usable graph (caller keeps reads as they are)
  int k = 0;        // the k used
  // Haplotypes as 'A','C','G','T' strings. haplotypes[0] is always the
  // reference window itself; the others are distinct, different from the
  // reference, and each starts with the reference's first k bases and ends
  // with its last k bases. Ordered by score, best first (ties: by sequence).
  std::vector<std::string> haplotypes;
};

// ref: the reference window, uppercase ACGTN chars (any N, or any other
// char, makes every k fail: ok=false). Deterministic: the result does not
// depend on the order of `reads`. Thread-safe (scratch space is thread_local).
AssemblyResult assemble(const std::string& ref, const std::vector<ReadSeq>& reads, const AssemblyParams& p);

}  // namespace dvhpc::assembly
