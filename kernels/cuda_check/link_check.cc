// Link check (and, on a GPU, smoke test) of dvhpc's Kokkos kernels built for
// Kokkos' CUDA backend; see CMakeLists.txt next to this file.
//
// Calls every host wrapper of kernels/ (AlleleCounter::count, candidates,
// to_host, PileupBuilder::build), so linking this executable proves that the
// kernels and their CUDA instantiations resolve. Without a GPU the binary
// cannot run (Kokkos::initialize aborts: no CUDA driver). With one it checks
// a tiny hand-made pileup:
//
//   ref   A C G T A C G T A C G T A C G T A C G T    window chr1:1-20
//   pos   0 1 2 3 4 5 6 7 8 9 ...
//   3 reads  10M at 2, base G at 5 (ref C)         -> SNP  C>G   at 5
//   3 reads  9M2I5M at 2, TT inserted after pos 10 -> ins  G>GTT at 10
//
// Named .cc, not .cpp: the main build globs kernels/**/*.cpp into dvhpc_core.
#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "dvhpc/allele_counts.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/example_query.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/read_batch.hpp"
#include "kernels/allele_counter.hpp"
#include "kernels/genotype_tile.hpp"
#include "kernels/pileup_builder.hpp"

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "cuda_link_check: FAILED: %s\n", what.c_str());
    ++failures;
  }
}

void add_read(dvhpc::ReadBatch& b, int64_t pos, const std::vector<uint32_t>& cigar, const std::string& seq,
              bool reverse, uint64_t name_hash) {
  int64_t end = pos;
  for (uint32_t c : cigar)
    if ((c & 0xf) == 0 || (c & 0xf) == 2) end += c >> 4;
  b.pos.push_back(pos);
  b.end.push_back(end);
  b.cigar.insert(b.cigar.end(), cigar.begin(), cigar.end());
  b.cigar_offset.push_back(static_cast<uint32_t>(b.cigar.size()));
  for (char c : seq) {
    b.bases.push_back(dvhpc::base_code(c));
    b.quals.push_back(30);
  }
  b.seq_offset.push_back(b.bases.size());
  b.mapq.push_back(60);
  b.reverse.push_back(reverse ? 1 : 0);
  b.insert_size.push_back(300);
  b.name_hash.push_back(name_hash);
}

int run() {
  using namespace dvhpc;
  const std::string ref = "ACGTACGTACGTACGTACGT";
  const Region window{"chr1", 0, static_cast<int64_t>(ref.size())};
  ReadBatch batch;
  batch.region = window;
  std::string snp_read = ref.substr(2, 10);
  snp_read[5 - 2] = 'G';
  const std::string ins_read = ref.substr(2, 9) + "TT" + ref.substr(11, 5);
  for (int i = 0; i < 3; ++i) add_read(batch, 2, {10u << 4}, snp_read, i % 2 == 1, 100 + i);
  for (int i = 0; i < 3; ++i)
    add_read(batch, 2, {9u << 4, (2u << 4) | 1u, 5u << 4}, ins_read, i % 2 == 1, 200 + i);

  AlleleCounter counter(CandidateConfig{});
  counter.count(batch, window, ref);
  const AlleleCounts counts = counter.to_host();
  expect(counts.allele_base(5, kG) == 3 && counts.allele_base(5, kC) == 3, "base alleles at pos 5");
  expect(counts.indels.size() == 1 && counts.indels[0].pos == 10 && counts.indels[0].inserted == "TT" &&
             counts.indels[0].count == 3 && counts.indels[0].reverse_count == 1,
         "one insertion TT x3 at pos 10");

  const std::vector<Candidate> cands = counter.candidates(window);
  expect(cands.size() == 2, "2 candidates (got " + std::to_string(cands.size()) + ")");
  if (cands.size() == 2) {
    expect(cands[0].pos == 5 && cands[0].ref == "C" && cands[0].alts == std::vector<std::string>{"G"} &&
               cands[0].alt_counts == std::vector<int32_t>{3} && cands[0].total == 6,
           "SNP candidate " + cands[0].to_string());
    expect(cands[1].pos == 10 && cands[1].ref == "G" && cands[1].alts == std::vector<std::string>{"GTT"} &&
               cands[1].alt_counts == std::vector<int32_t>{3} && cands[1].total == 6,
           "insertion candidate " + cands[1].to_string());
  }

  const PileupConfig pcfg;
  const PileupBuilder builder(pcfg, CandidateConfig{}.min_base_quality);
  const std::vector<ExampleQuery> queries = example_queries(cands);
  std::vector<uint8_t> images;
  std::vector<float> features;
  builder.build(batch, window, ref, cands, queries, images, features, true);
  const size_t n = queries.size();
  expect(images.size() == n * static_cast<size_t>(builder.image_size()), "image buffer size");
  expect(features.size() == n * static_cast<size_t>(builder.feature_size()), "feature buffer size");
  if (n >= 1 && features.size() >= static_cast<size_t>(builder.feature_size())) {
    // Example 0 (the SNP): half the 6 reads at the centre carry G.
    const size_t centre = static_cast<size_t>(pcfg.feature_window / 2) * kNumFeatureChannels;
    const float alt = features[centre + kFeatFwdAlt] + features[centre + kFeatRevAlt];
    const float other = features[centre + kFeatFwdOtherAlt] + features[centre + kFeatRevOtherAlt];
    expect(std::fabs(alt - 0.5f) < 1e-6f, "SNP example: alt-carrier fraction 0.5 (got " + std::to_string(alt) + ")");
    expect(std::fabs(other) < 1e-6f, "SNP example: no other-alt carriers");
    expect(std::fabs(features[centre + kFeatMapq] - 1.0f) < 1e-6f, "SNP example: mapq channel 1");
  }
  // Genotype kernels: 2 rows of 5 samples (codes 0..3 cycling), decoded with
  // lut = code value, and their code counts.
  {
    Kokkos::View<uint8_t**, Kokkos::LayoutRight> packed("packed", 2, 2);
    Kokkos::View<int64_t*> rows("rows", 2);
    Kokkos::View<float* [4], Kokkos::LayoutRight> lut("lut", 2);
    Kokkos::View<float**, Kokkos::LayoutRight> tile("tile", 2, 5);
    Kokkos::View<int64_t* [4], Kokkos::LayoutRight> counts("counts", 2);
    auto hp = Kokkos::create_mirror_view(packed);
    auto hr = Kokkos::create_mirror_view(rows);
    auto hl = Kokkos::create_mirror_view(lut);
    for (int r = 0; r < 2; ++r) {
      hp(r, 0) = 0xE4;  // samples 0..3: codes 0, 1, 2, 3
      hp(r, 1) = static_cast<uint8_t>(r == 0 ? 0x00 : 0x03);  // sample 4: code 0 or 3
      hr(r) = 1 - r;
      for (int c = 0; c < 4; ++c) hl(r, c) = static_cast<float>(c);
    }
    Kokkos::deep_copy(packed, hp);
    Kokkos::deep_copy(rows, hr);
    Kokkos::deep_copy(lut, hl);
    dvhpc::kernels::decode_tile(packed.data(), 2, 2, rows.data(), lut.data(), 2, 5, tile.data());
    dvhpc::kernels::count_codes(packed.data(), 2, 2, 5, counts.data());
    auto ht = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), tile);
    auto hc = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), counts);
    for (int j = 0; j < 4; ++j) expect(ht(0, j) == static_cast<float>(j), "decoded genotype code");
    expect(ht(0, 4) == 3.0f && ht(1, 4) == 0.0f, "decoded last sample of each row (rows swapped)");
    expect(hc(0, 0) == 2 && hc(0, 3) == 1 && hc(1, 3) == 2, "genotype code counts");
  }
  if (failures == 0)
    std::printf("cuda_link_check: OK on %s (%zu candidates, %zu examples)\n",
                Kokkos::DefaultExecutionSpace::name(), cands.size(), n);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cuda_link_check: FAILED: %s\n", e.what());
    return 1;
  }
}
