// Real data, every kernel on every execution space of the build
// (exec_spaces.hpp): NA12878 chr20:10,000,000-10,100,000 (~52,000 reads,
// the data README), counted, its candidates selected and the pileup images
// and count features of every candidate built. On the host the results are
// checked for shape; on the device (CUDA build on a GPU) they must equal
// the host's exactly: every count, indel allele, candidate, feature value
// and image byte. scripts/gpu_check.sh runs this on a lent GPU with the
// data carried along (DVHPC_SHARED_DATA in the environment names it).
// SKIPs when the data is missing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "dvhpc/example_query.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/pileup_image.hpp"
#include "dvhpc/reads.hpp"
#include "dvhpc/reference.hpp"
#include "exec_spaces.hpp"
#include "kernels/allele_counter.hpp"
#include "kernels/pileup_builder.hpp"

using namespace dvhpc;

namespace {

std::string data_dir() {
  const char* env = std::getenv("DVHPC_SHARED_DATA");
  return std::string(env ? env : DVHPC_SHARED_DATA) + "/na12878_hg19_chr20_10mb_illumina";
}

struct Window {
  AlleleCounts counts;
  std::vector<Candidate> candidates;
  std::vector<uint8_t> images;
  std::vector<float> features;
};

template <class Exec>
Window run_window() {
  const std::string dir = data_dir();
  const std::string bam = dir + "/NA12878_S1.chr20.10_10p1mb.bam", fasta = dir + "/ucsc.hg19.chr20.unittest.fasta.gz";
  const Region window{"chr20", 10000000, 10100000};
  Reference ref(fasta);
  ReadLoader loader(bam, ReadFilterConfig{});
  const ContigMap map = match_contigs(loader.contigs(), ref.contigs(), {}, false, bam, fasta);
  const ReadBatch batch = loader.load(window, map);
  const std::string seq = ref.fetch(window);
  BasicAlleleCounter<Exec> counter(CandidateConfig{});
  counter.count(batch, window, seq);
  Window w;
  w.counts = counter.to_host();
  w.candidates = counter.candidates(window);
  PileupBuilder(PileupConfig{}, CandidateConfig{}.min_base_quality)
      .build_on<Exec>(batch, window, seq, w.candidates, example_queries(w.candidates), w.images, w.features);
  return w;
}

}  // namespace

TEST_CASE_TEMPLATE("kernels on NA12878: counts, candidates, features and images (device == host)", Exec,
                   DVHPC_TEST_EXEC_SPACES) {
  if (!std::filesystem::exists(data_dir())) {
    MESSAGE("SKIP: NA12878 data not found at " << data_dir() << " (DVHPC_SHARED_DATA)");
    return;
  }
  const Window w = run_window<Exec>();
  INFO("execution space " << Exec::name());
  // The window as the data README describes it: ~52x, a few hundred candidates.
  int64_t depth = 0;
  for (int64_t p = 0; p < 100000; ++p) depth += w.counts.pileup_depth(10000000 + p);
  CHECK(depth / 100000 > 40);
  CHECK(w.candidates.size() > 200);
  const size_t n = example_queries(w.candidates).size();
  const PileupConfig pc;
  CHECK(w.features.size() == n * size_t(pc.feature_window) * kNumFeatureChannels);
  CHECK(w.images.size() == n * size_t(pc.height) * pc.width * pileup_channels(pc));
  if constexpr (test::on_device<Exec>) {
    const Window host = run_window<kernels::HostExecSpace>();
    test::check_same_counts(w.counts, host.counts);
    test::check_same_candidates(w.candidates, host.candidates);
    CHECK(w.features == host.features);
    CHECK(w.images == host.images);
    MESSAGE("device == host on NA12878: " << w.counts.counts.size() << " counts, " << w.counts.indels.size()
                                          << " indel alleles, " << w.candidates.size() << " candidates, "
                                          << w.features.size() << " feature values, " << w.images.size()
                                          << " image bytes");
  }
}
