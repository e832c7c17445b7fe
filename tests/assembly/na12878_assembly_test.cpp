// Real data: local assembly on NA12878 (see the data README). GIAB has a
// hom-alt 8 bp insertion of GATAGATA at chr20:10,037,144 in a GATA repeat.
// bwa spells it in most reads as scattered 1-4 bp indels and soft clips, so
// the allele counter sees too few reads with the true allele for it to be a
// candidate. After assembly and realignment most spanning reads carry
// exactly that insertion, and assembly proposes the allele.
// SKIPs (with a message) when ../shared/data is missing.
#include <doctest/doctest.h>

#include <filesystem>

#include "dvhpc/local_realigner.hpp"
#include "dvhpc/reads.hpp"
#include "dvhpc/reference.hpp"
#include "kernels/allele_counter.hpp"

using namespace dvhpc;

namespace {

const std::string kDir = std::string(DVHPC_SHARED_DATA) + "/na12878_hg19_chr20_10mb_illumina";
const std::string kBam = kDir + "/NA12878_S1.chr20.10_10p1mb.bam";
const std::string kRef = kDir + "/ucsc.hg19.chr20.unittest.fasta.gz";
constexpr int64_t kAnchor = 10037143;  // 0-based T before the insertion
const std::string kInserted = "GATAGATA";

// Reads whose CIGAR has the truth insertion (8I of GATAGATA after kAnchor).
int carriers(const AlleleCounter& counter) {
  for (const auto& a : counter.to_host().indels)
    if (a.pos == kAnchor && a.length == 8 && a.inserted == kInserted) return a.count;
  return 0;
}

}  // namespace

TEST_CASE("assembly: NA12878 GATA insertion is assembled and spelled one way") {
  if (!std::filesystem::exists(kBam)) {
    MESSAGE("SKIP: shared test data not found at " << kDir << " (DVHPC_SHARED_DATA)");
    return;
  }
  const Region window{"chr20", 10036000, 10039000};
  Reference ref(kRef);
  ReadLoader loader(kBam, ReadFilterConfig{}, kRef);
  const auto map = match_contigs(loader.contigs(), ref.contigs(), {}, false, kBam, kRef);
  ReadBatch batch = loader.load(window, map);
  const std::string seq = ref.fetch(window);
  const Region core{"chr20", 10037000, 10038000};

  CandidateConfig cand;
  AlleleCounter before(cand);
  before.count(batch, window, seq);
  const int carriers_before = carriers(before);

  std::vector<IndelAllele> assembled;
  const RealignStats st = realign_reads(batch, seq, window.begin, AssemblyConfig{}, cand.min_base_quality, &assembled);
  CHECK(st.with_alts >= 1);
  AlleleCounter after(cand);
  after.count(batch, window, seq);
  const int carriers_after = carriers(after);
  MESSAGE("reads with the 8 bp insertion in their CIGAR: " << carriers_before << " -> " << carriers_after);
  CHECK(carriers_after >= 2 * carriers_before);
  CHECK(carriers_after >= 10);

  bool proposed = false;
  for (const auto& a : assembled) proposed |= a.pos == kAnchor && a.length == 8 && a.inserted == kInserted;
  CHECK(proposed);
  bool candidate = false;
  for (const auto& c : after.candidates(core, assembled))
    if (c.pos == kAnchor)
      for (const auto& alt : c.alts) candidate |= alt == c.ref.substr(0, 1) + kInserted + c.ref.substr(1);
  CHECK(candidate);
}
