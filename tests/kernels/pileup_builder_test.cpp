// Pileup images and count features on a hand-made diploid data set
// (tests/make_examples/example_data.hpp): values at the candidate column follow
// the encoding in dvhpc/pileup_image.hpp and dvhpc/pileup_features.hpp.
// Every case runs on each execution space of the build (exec_spaces.hpp);
// on the device, images and features must equal the host's byte for byte.
#include <doctest/doctest.h>

#include "dvhpc/example_query.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/pileup_image.hpp"
#include "dvhpc/reads.hpp"
#include "dvhpc/reference.hpp"
#include "exec_spaces.hpp"
#include "make_examples/example_data.hpp"
#include "kernels/allele_counter.hpp"
#include "kernels/pileup_builder.hpp"

using namespace dvhpc;

namespace {
struct Built {
  std::vector<Candidate> sites;
  std::vector<ExampleQuery> queries;
  std::vector<uint8_t> images;
  std::vector<float> features;
  ReadBatch batch;
};

template <class Exec>
Built build(const test::ExampleData& d, const PileupConfig& pc) {
  Reference ref(d.fasta);
  ReadLoader loader(d.bam, ReadFilterConfig{});
  ContigMap cm = match_contigs(loader.contigs(), ref.contigs(), {}, false, d.bam, d.fasta);
  Region win{"chr1", 0, 3000};
  Built b;
  loader.load(win, cm, b.batch);
  const std::string seq = ref.fetch(win);
  BasicAlleleCounter<Exec> counter(CandidateConfig{});
  counter.count(b.batch, win, seq);
  b.sites = counter.candidates(win);
  b.queries = example_queries(b.sites);
  PileupBuilder(pc, 10).build_on<Exec>(b.batch, win, seq, b.sites, b.queries, b.images, b.features);
  if constexpr (test::on_device<Exec>) {
    const Built host = build<kernels::HostExecSpace>(d, pc);
    test::check_same_candidates(b.sites, host.sites);
    CHECK(b.images == host.images);
    CHECK(b.features == host.features);
  }
  return b;
}
}  // namespace

TEST_CASE_TEMPLATE("pileup images and features: SNP, indels, multi-allelic pairs", Exec, DVHPC_TEST_EXEC_SPACES) {
  test::TempDir dir;
  const auto d = test::make_example_data(dir);
  PileupConfig pc;
  const Built b = build<Exec>(d, pc);
  REQUIRE(b.sites.size() == 5);
  // 5 sites, the multi-allelic one gives alt1, alt2, alt1|alt2.
  REQUIRE(b.queries.size() == 7);
  const int H = pc.height, W = pc.width, C = pileup_channels(pc), F = pc.feature_window;
  CHECK(C == 6);
  REQUIRE(b.images.size() == size_t(7) * H * W * C);
  REQUIRE(b.features.size() == size_t(7) * F * kNumFeatureChannels);
  auto px = [&](int e, int row, int x, int c) { return int(b.images[((size_t(e) * H + row) * W + x) * C + c]); };
  auto ft = [&](int e, int pos, int c) { return b.features[(size_t(e) * F + pos) * kNumFeatureChannels + c]; };
  const int mid = W / 2, fmid = F / 2, ref_rows = pileup_reference_rows(pc);

  // Example 0: het SNP at 500. Reference rows carry the reference base.
  CHECK(b.sites[0].pos == 500);
  const int ref_val = px(0, 0, mid, kImgBase);
  CHECK(ref_val == (b.sites[0].ref == "A" ? 250 : b.sites[0].ref == "C" ? 30 : b.sites[0].ref == "G" ? 180 : 100));
  CHECK(px(0, 0, mid, kImgBaseQuality) == 254);
  int alt_rows = 0, ref_rows_seen = 0, used = 0;
  for (int row = ref_rows; row < H; ++row) {
    if (px(0, row, mid, kImgBase) == 0) continue;
    ++used;
    const bool alt = px(0, row, mid, kImgBase) != ref_val;
    CHECK(px(0, row, mid, kImgSupportsAlt) == (alt ? 254 : 144));
    CHECK(px(0, row, mid, kImgDiffersRef) == (alt ? 254 : 144));
    CHECK(px(0, row, mid, kImgMappingQuality) == 254);  // MAPQ 60
    const int strand = px(0, row, mid, kImgStrand);
    CHECK((strand == 70 || strand == 240));
    alt_rows += alt;
    ref_rows_seen += !alt;
  }
  CHECK(used == b.sites[0].total);
  CHECK(alt_rows == b.sites[0].alt_counts[0]);
  CHECK(ref_rows_seen > 0);
  // Features: queried-alt coverage at the centre = alt fraction; no other alt.
  const float n = float(used);
  CHECK(ft(0, fmid, kFeatFwdAlt) + ft(0, fmid, kFeatRevAlt) == doctest::Approx(alt_rows / n));
  CHECK(ft(0, fmid, kFeatFwdOtherAlt) + ft(0, fmid, kFeatRevOtherAlt) == 0.0f);
  CHECK(ft(0, fmid, kFeatRefMatch) == doctest::Approx(ref_rows_seen / n));
  CHECK(ft(0, fmid, kFeatMapq) == doctest::Approx(1.0f));

  // Example 2: het deletion (anchor 1099): deleted columns read 60 on alt rows.
  CHECK(b.sites[2].pos == 1099);
  CHECK(b.sites[2].alts[0].size() < b.sites[2].ref.size());
  int del_rows = 0;
  for (int row = ref_rows; row < H; ++row)
    if (px(2, row, mid + 1, kImgBase) == 60) {
      ++del_rows;
      CHECK(px(2, row, mid, kImgSupportsAlt) == 254);
      CHECK(px(2, row, mid + 1, kImgDiffersRef) == 254);
    }
  CHECK(del_rows == b.sites[2].alt_counts[0]);
  CHECK(ft(2, fmid + 1, kFeatFwdDel) + ft(2, fmid + 1, kFeatRevDel) > 0.3f);

  // Example 3: hom insertion at 1400: every read marks the anchor as differing.
  for (int row = ref_rows; row < H; ++row)
    if (px(3, row, mid, kImgBase) != 0) CHECK(px(3, row, mid, kImgDiffersRef) == 254);
  CHECK(ft(3, fmid, kFeatFwdIns) + ft(3, fmid, kFeatRevIns) == doctest::Approx(1.0f));

  // Examples 4-6: multi-allelic 1700, alt1 / alt2 / alt1|alt2.
  CHECK(query_alt_string(b.sites[4], b.queries[6]) == b.sites[4].alts[0] + "|" + b.sites[4].alts[1]);
  const float a1 = ft(4, fmid, kFeatFwdAlt) + ft(4, fmid, kFeatRevAlt);
  const float o1 = ft(4, fmid, kFeatFwdOtherAlt) + ft(4, fmid, kFeatRevOtherAlt);
  CHECK(a1 > 0.3f);
  CHECK(o1 > 0.3f);
  CHECK(a1 + o1 == doctest::Approx(1.0f));
  CHECK(ft(6, fmid, kFeatFwdAlt) + ft(6, fmid, kFeatRevAlt) == doctest::Approx(1.0f));
}

TEST_CASE_TEMPLATE("pileup images: deterministic downsampling to max_reads", Exec, DVHPC_TEST_EXEC_SPACES) {
  test::TempDir dir;
  const auto d = test::make_example_data(dir, 50);  // ~100 reads over each site
  PileupConfig pc;
  pc.max_reads = 20;
  pc.height = 23;
  pc.insert_size_channel = true;
  const Built b = build<Exec>(d, pc);
  REQUIRE(!b.sites.empty());
  REQUIRE(b.sites[0].total > 20);
  const int H = pc.height, W = pc.width, C = 7;
  int used = 0;
  for (int row = 3; row < H; ++row) used += b.images[((size_t(0) * H + row) * W + W / 2) * C] != 0;
  CHECK(used == 20);
  // Same result a second time (no dependence on thread timing).
  const Built again = build<Exec>(d, pc);
  CHECK(again.images == b.images);
  CHECK(again.features == b.features);
}
