// `dvhpc simulate`: a diploid genome with planted SNPs and indels, paired
// reads with Illumina-like errors written straight to a sorted, indexed BAM
// (no aligner: alignments are known from the haplotype map), the truth VCF
// and a BED of the simulated regions.
//
// Outputs: PREFIX.bam(.bai), PREFIX.truth.vcf.gz(.tbi), PREFIX.bed and, when
// no reference is given, the random reference PREFIX.fa(.fai).
#pragma once

#include "dvhpc/commands.hpp"

namespace dvhpc {

void run_simulate(const RunContext& ctx);

}  // namespace dvhpc
