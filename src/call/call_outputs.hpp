// The outputs of `call`, one piece per finished shard.
//
// When a shard is finished, its records are formatted on the rank that made
// them into their final form (compressed VCF blocks, rows of PREFIX.h5) and
// spilled to PREFIX.shards/shard-<index>.spill (shard_cache.hpp); only their
// sizes stay in memory. write() then places every rank's pieces in shard
// (= genome) order: the VCFs by MPI-IO at offsets from a prefix sum of the
// piece sizes, the HDF5 rows by collective hyperslab writes, so that row i
// of PREFIX.h5 is record i of PREFIX.vcf.gz under either schedule, and no
// record passes through rank 0.
//
// With `gvcf: true`, each sample's gVCF text (gvcf_records.hpp) is one more
// section of the spill and one more file assembled the same way; a shard
// whose first bases lie under a deletion of an earlier shard has its gVCF
// piece revised at assembly (gvcf_skip_covered), so blocks cover each base
// once for any shard and rank count.
//
// PREFIX.h5 (the genotype matrix; see README "PREFIX.h5"):
//   /calls/contig, /calls/ref, /calls/alt   fixed-length strings [variants]
//   /calls/pos    int64 [variants]   1-based VCF POS
//   /calls/qual   float [variants]
//   /samples      fixed-length strings [samples]   the VCF's sample columns
//   /genotypes    int8  [variants, samples]   alt allele copies 0, 1, 2; -1 missing
//   /probabilities float [variants, samples, 3]   P(0, 1, 2 alt copies)
//   /provenance   attributes: config, versions, model_rnn, model_cnn, command_line
//   /timings      double [ranks, stages]   seconds; attribute "stages" names the columns
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "call_records.hpp"
#include "dvhpc/commands.hpp"
#include "dvhpc/ordered_pieces.hpp"
#include "dvhpc/shard_spill.hpp"
#include "dvhpc/vcf_format.hpp"

namespace dvhpc {

class OutputSet;

class ShardCache;
class Reference;

// A shard's core start and how far its site records' REF reach (0-based,
// exclusive; -1 without sites): what the next shards' gVCFs must skip.
struct GvcfSpan {
  std::string contig;
  int64_t begin = 0, site_end = -1;
};

class CallOutputs {
 public:
  CallOutputs(const RunContext& ctx, const std::vector<VcfContig>& contigs, std::vector<std::string> samples,
              const ShardCache& cache);
  ~CallOutputs();

  // Formats one finished shard and spills it; nothing of it stays in memory.
  // `gvcf[s]`: sample s's gVCF text of the shard (empty unless cfg.gvcf).
  void spill(int64_t shard, const std::string& candidate_vcf, const std::string& call_vcf, const CallColumns& cols,
             const std::vector<std::string>& gvcf, const GvcfSpan& span);
  // Takes a shard spilled by an earlier, interrupted run; false if there is none.
  bool restore(int64_t shard);

  // Collective: PREFIX.candidates.vcf.gz, PREFIX.vcf.gz (+ .tbi) and
  // PREFIX.h5 from every rank's pieces (and the gVCFs; `ref` gives the
  // REF base of a revised block). Returns the number of variant records.
  int64_t write(const Reference& ref);

 private:
  struct Held {
    int64_t shard = 0;
    int64_t candidate_bytes = 0, call_bytes = 0, rows = 0;
    int64_t width_contig = 0, width_ref = 0, width_alt = 0;
    std::vector<int64_t> gvcf_bytes;  // per sample
    int64_t contig_id = 0, begin = 0, site_end = -1;  // GvcfSpan
    std::vector<std::string> gvcf_revised;  // per sample, when revised at assembly
  };
  // PREFIX.g.vcf.gz for one sample, PREFIX.SAMPLE.g.vcf.gz for several.
  std::string gvcf_path(size_t sample) const;
  void hold(int64_t shard, const std::vector<SpillSection>& sections, const int64_t* span);
  // Revises the gVCF pieces of held shards that start under an earlier shard's deletion.
  void revise_gvcf_heads(const Reference& ref);
  void write_h5(const PieceLayout& rows, OutputSet& set);

  const RunContext& ctx_;
  std::vector<std::string> samples_;
  const ShardCache& cache_;
  std::unique_ptr<VcfFormat> candidate_format_, call_format_;
  std::vector<std::unique_ptr<VcfFormat>> gvcf_formats_;  // per sample, when cfg.gvcf
  std::vector<std::string> contig_names_;  // reference order: index = contig id in the gVCF spans
  std::unordered_map<std::string, int64_t> contig_ids_;
  std::vector<Held> held_;
};

}  // namespace dvhpc
