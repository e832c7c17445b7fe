// The device path of `call` (kernels/device_reads.hpp, PileupBuilder::
// build_views, images_to_nchw, the support totals): the shard's reads
// uploaded once, then counting and every group of pileups read them where
// they are, must give what the host-vector form gives, on every execution
// space of the build (exec_spaces.hpp). Data: the hand-made diploid set of
// tests/make_examples/example_data.hpp, ~100 reads over each site.
#include <doctest/doctest.h>

#include <algorithm>

#include "dvhpc/example_query.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/pileup_image.hpp"
#include "dvhpc/reads.hpp"
#include "dvhpc/reference.hpp"
#include "exec_spaces.hpp"
#include "kernels/allele_counter.hpp"
#include "kernels/device_reads.hpp"
#include "kernels/pileup_builder.hpp"
#include "make_examples/example_data.hpp"

using namespace dvhpc;

namespace {

template <class View>
auto on_host(const View& v) {
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
}

struct Shard {
  Region win{"chr1", 0, 3000};
  std::string seq;
  ReadBatch batch;
};

Shard load(const test::ExampleData& d) {
  Reference ref(d.fasta);
  ReadLoader loader(d.bam, ReadFilterConfig{});
  ContigMap cm = match_contigs(loader.contigs(), ref.contigs(), {}, false, d.bam, d.fasta);
  Shard s;
  loader.load(s.win, cm, s.batch);
  s.seq = ref.fetch(s.win);
  return s;
}

}  // namespace

TEST_CASE_TEMPLATE("device reads: one upload serves counting, features and images, as the host vectors do", Exec,
                   DVHPC_TEST_EXEC_SPACES) {
  using Mem = typename Exec::memory_space;
  test::TempDir dir;
  const auto d = test::make_example_data(dir, 50);
  const Shard s = load(d);
  REQUIRE(s.batch.size() > 100);
  PileupConfig pc;
  pc.insert_size_channel = true;
  const Exec exec;

  kernels::BasicDeviceReads<Exec> reads(exec);
  reads.upload(s.batch);
  CHECK(reads.size() == static_cast<int64_t>(s.batch.size()));
  int64_t span = 1;
  for (size_t i = 0; i < s.batch.size(); ++i) span = std::max(span, s.batch.end[i] - s.batch.pos[i]);
  CHECK(reads.max_span() == span);

  // Counting from the shared upload = counting from the counter's own.
  BasicAlleleCounter<Exec> shared(CandidateConfig{}, exec), own(CandidateConfig{});
  shared.count(reads, s.batch, s.win, s.seq);
  own.count(s.batch, s.win, s.seq);
  test::check_same_counts(shared.to_host(), own.to_host());
  const std::vector<Candidate> sites = shared.candidates(s.win);
  test::check_same_candidates(sites, own.candidates(s.win));
  const std::vector<ExampleQuery> queries = example_queries(sites);
  REQUIRE(queries.size() >= 5);

  // The host-vector form, all examples at once.
  const PileupBuilder builder(pc, 10);
  std::vector<uint8_t> images;
  std::vector<float> features;
  std::vector<ExampleSupport> support;
  builder.build_on<Exec>(s.batch, s.win, s.seq, sites, queries, images, features, true, &support);

  // The device form in two groups over the one upload, as `call` runs it.
  const size_t half = queries.size() / 2;
  const int64_t H = pc.height, W = pc.width, C = pileup_channels(pc), T = pc.feature_window;
  std::vector<ExampleSupport> dev_support;
  for (const auto& [g0, g1] : {std::make_pair<size_t, size_t>(0, half + 0), std::make_pair(half, queries.size())}) {
    const std::vector<ExampleQuery> part(queries.begin() + g0, queries.begin() + g1);
    const int64_t n = static_cast<int64_t>(part.size());
    kernels::FeatureView<Mem> f("f", n, T, kNumFeatureChannels);
    kernels::ImageView<Mem> img("img", n, H, W, C);
    builder.build_views(exec, reads, s.batch, s.win, s.seq, sites, part, f, img, &dev_support);
    const auto hf = on_host(f);
    const auto hi = on_host(img);
    CHECK(std::equal(hf.data(), hf.data() + hf.size(), features.begin() + g0 * T * kNumFeatureChannels));
    CHECK(std::equal(hi.data(), hi.data() + hi.size(), images.begin() + g0 * H * W * C));

    // The networks' NCHW floats, converted where the images are, equal the host conversion.
    kernels::NchwView<Mem> nchw("nchw", n, C, H, W);
    kernels::images_to_nchw(exec, img, nchw);
    exec.fence();
    const auto hn = on_host(nchw);
    std::vector<float> expect(static_cast<size_t>(H * W * C));
    for (int64_t e = 0; e < n; ++e) {
      image_to_nchw(hi.data() + e * H * W * C, H, W, C, expect.data());
      CHECK(std::equal(expect.begin(), expect.end(), hn.data() + e * H * W * C));
    }
  }

  // Support totals reduced on the device = the host form's; and at SNP sites
  // (no realignment, every read judged by its CIGAR) they add up to the reads
  // over the site.
  REQUIRE(dev_support.size() == queries.size());
  for (size_t e = 0; e < queries.size(); ++e) {
    const ExampleSupport &a = dev_support[e], &b = support[e];
    CHECK((a.ref == b.ref && a.alt == b.alt && a.other_alt == b.other_alt && a.realigned == b.realigned));
    const Candidate& site = sites[static_cast<size_t>(queries[e].site)];
    if (a.realigned) continue;
    int over = 0;
    for (size_t r = 0; r < s.batch.size(); ++r) over += s.batch.pos[r] <= site.pos && s.batch.end[r] > site.pos;
    CHECK(a.ref + a.alt + a.other_alt == over);
    if (queries[e].n_alts == 1) CHECK(a.alt == site.alt_counts[static_cast<size_t>(queries[e].alt[0])]);
  }
}

TEST_CASE_TEMPLATE("device reads: a batch without MAPQ and TLEN reads as zeros", Exec, DVHPC_TEST_EXEC_SPACES) {
  test::TempDir dir;
  const auto d = test::make_example_data(dir);
  Shard s = load(d);
  Shard zeroed = s;
  std::fill(zeroed.batch.mapq.begin(), zeroed.batch.mapq.end(), 0);
  std::fill(zeroed.batch.insert_size.begin(), zeroed.batch.insert_size.end(), 0);
  s.batch.mapq.clear();
  s.batch.insert_size.clear();
  const Exec exec;
  kernels::BasicDeviceReads<Exec> a(exec), b(exec);
  a.upload(s.batch);
  b.upload(zeroed.batch);
  const auto ma = on_host(a.views().mapq), mb = on_host(b.views().mapq);
  const auto ta = on_host(a.views().tlen), tb = on_host(b.views().tlen);
  REQUIRE(ma.extent(0) == s.batch.size());
  CHECK(std::equal(ma.data(), ma.data() + ma.size(), mb.data()));
  CHECK(std::equal(ta.data(), ta.data() + ta.size(), tb.data()));
}
