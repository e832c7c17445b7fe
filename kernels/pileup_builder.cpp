#include "kernels/pileup_builder.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include "dvhpc/error.hpp"
#include "dvhpc/pileup_features.hpp"
#include "dvhpc/pileup_image.hpp"
#include "kernels/device_view.hpp"
#include "kernels/realign.hpp"

namespace dvhpc {
namespace {

// splitmix64: the downsampling key of a read at a site.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Realignment window of a site with an indel alt (kernels/realign.hpp):
// its alleles, stretched over any tandem repeat that starts at the anchors
// (period 1-6 or the indel's own length: deleting one copy of a 10-mer repeat
// leaves reads that end in the next copy looking like the reference), plus
// a flank of unique sequence that an informative read must reach. {-1, -1}
// for sites without indels, or when the haplotypes would not fit the
// kernel's buffers (the CIGAR then decides, as before).
std::pair<int64_t, int64_t> realign_window(const Candidate& site, const std::string& ref, int64_t ref_begin) {
  constexpr int64_t kFlank = 12, kMaxRepeat = 120, kMaxPeriod = 6;
  const int64_t ref_end = ref_begin + static_cast<int64_t>(ref.size());
  auto at = [&](int64_t p) { return ref[static_cast<size_t>(p - ref_begin)]; };
  int64_t lo = INT64_MAX, hi = INT64_MIN, longest_ins = 0;
  bool indel = false;
  std::vector<int64_t> periods{1, 2, 3, 4, 5, 6};
  for (size_t a = 0; a < site.alts.size(); ++a) {
    const MinimalAllele m = minimal_allele(site, a);
    if (m.type == kInsertion || m.type == kDeletion) indel = true;
    lo = std::min(lo, m.pos);
    hi = std::max(hi, m.pos + 1 + (m.type == kDeletion ? m.length : 0));
    if (m.type == kInsertion) longest_ins = std::max<int64_t>(longest_ins, m.length);
    if ((m.type == kInsertion || m.type == kDeletion) && m.length > kMaxPeriod && m.length <= kMaxRepeat)
      periods.push_back(m.length);
  }
  if (!indel || lo < ref_begin || hi > ref_end) return {-1, -1};
  int64_t left = lo, right = hi;
  for (const int64_t period : periods) {
    int64_t i = lo + 1;  // a repeat that starts right after the anchor
    while (i + period < ref_end && i + period - lo <= kMaxRepeat && at(i) == at(i + period)) ++i;
    right = std::max(right, i + period);
    i = lo;  // ... or that the anchor ends
    while (i - period >= ref_begin && lo - i <= kMaxRepeat && at(i) == at(i - period)) --i;
    left = std::min(left, i - period + 1);
  }
  const int64_t w0 = std::max(ref_begin, left - kFlank), w1 = std::min(ref_end, right + kFlank);
  if (w1 - w0 + longest_ins > kernels::kMaxHaplotype) return {-1, -1};
  return {w0, w1};
}

}  // namespace

PileupBuilder::PileupBuilder(const PileupConfig& cfg, int min_base_quality)
    : cfg_(cfg), min_bq_(min_base_quality) {}

int64_t PileupBuilder::image_size() const {
  return static_cast<int64_t>(cfg_.height) * cfg_.width * pileup_channels(cfg_);
}
int64_t PileupBuilder::feature_size() const {
  return static_cast<int64_t>(cfg_.feature_window) * kNumFeatureChannels;
}

void PileupBuilder::build(const ReadBatch& batch, const Region& window, const std::string& ref,
                          const std::vector<Candidate>& sites, const std::vector<ExampleQuery>& queries,
                          std::vector<uint8_t>& images, std::vector<float>& features,
                          bool with_images, std::vector<ExampleSupport>* support,
                          const kernels::DeviceReads* reads) const {
  build_on<kernels::ExecSpace>(batch, window, ref, sites, queries, images, features, with_images, support, reads);
}

template <class Exec>
void PileupBuilder::build_on(const ReadBatch& batch, const Region& window, const std::string& ref,
                             const std::vector<Candidate>& sites, const std::vector<ExampleQuery>& queries,
                             std::vector<uint8_t>& images, std::vector<float>& features,
                             bool with_images, std::vector<ExampleSupport>* support,
                             const kernels::BasicDeviceReads<Exec>* uploaded) const {
  using Mem = typename Exec::memory_space;
  kernels::BasicDeviceReads<Exec> own;
  if (!uploaded) own.upload(batch);
  const kernels::BasicDeviceReads<Exec>& reads = uploaded ? *uploaded : own;
  const Exec& exec = reads.exec();
  const int C = pileup_channels(cfg_);
  // Bounded device memory: at most kBatch images (~130 kB each) at once.
  constexpr size_t kBatch = 1024;
  for (size_t i = 0; i < queries.size(); i += kBatch) {
    const std::vector<ExampleQuery> part(queries.begin() + static_cast<std::ptrdiff_t>(i),
                                         queries.begin() + static_cast<std::ptrdiff_t>(std::min(queries.size(), i + kBatch)));
    const size_t n = part.size();
    // The kernels write straight into `features` and `images` on host
    // builds (create_mirror_view returns the host View itself), into device
    // Views copied back below on GPU builds. Both vectors grow zero-filled,
    // as a new View would be.
    const size_t feat_at = features.size();
    features.resize(feat_at + n * static_cast<size_t>(feature_size()));
    Kokkos::View<float***, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> hfeat(
        features.data() + feat_at, n, cfg_.feature_window, kNumFeatureChannels);
    const size_t img_at = images.size();
    if (with_images) images.resize(img_at + n * static_cast<size_t>(image_size()));
    Kokkos::View<uint8_t****, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> himg(
        with_images ? images.data() + img_at : nullptr, with_images ? n : 0, cfg_.height, cfg_.width, C);
    kernels::FeatureView<Mem> feat = Kokkos::create_mirror_view(Mem(), hfeat);
    kernels::ImageView<Mem> img = Kokkos::create_mirror_view(Mem(), himg);
    build_views(exec, reads, batch, window, ref, sites, part, feat, img, support);
    Kokkos::deep_copy(hfeat, feat);  // no-ops on host builds: the same memory
    if (with_images) Kokkos::deep_copy(himg, img);
  }
}

template <class Exec>
void PileupBuilder::build_views(const Exec& exec, const kernels::BasicDeviceReads<Exec>& reads,
                                const ReadBatch& batch, const Region& window, const std::string& ref,
                                const std::vector<Candidate>& sites, const std::vector<ExampleQuery>& queries,
                                const kernels::FeatureView<typename Exec::memory_space>& features,
                                const kernels::ImageView<typename Exec::memory_space>& images,
                                std::vector<ExampleSupport>* support) const {
  using Mem = typename Exec::memory_space;
  const int64_t n = static_cast<int64_t>(queries.size());
  if (n == 0) return;
  if (reads.size() != static_cast<int64_t>(batch.size()))
    throw Error(ErrorKind::Internal, "PileupBuilder: uploaded reads are not this batch's (" +
                                         std::to_string(reads.size()) + " vs " + std::to_string(batch.size()) + ")");
  const bool with_features = features.extent(0) > 0, with_images = images.extent(0) > 0;
  if ((with_features && static_cast<int64_t>(features.extent(0)) != n) ||
      (with_images && static_cast<int64_t>(images.extent(0)) != n))
    throw Error(ErrorKind::Internal, "PileupBuilder: outputs sized for another number of examples");
  const int max_reads = cfg_.max_reads;

  // Reads overlapping each site's POS, in start order (ties by QNAME hash).
  // The batch is sorted by start, so they lie in [first start > POS - span, POS].
  // Only the sites this chunk asks about: a chunk of a 2 Mb shard must not
  // pay for the whole shard's sites, nor (the reads being uploaded once per
  // shard, their longest span known) for its reads.
  const int64_t span = reads.max_span();
  std::vector<char> used(sites.size(), 0);
  for (const auto& q : queries) used[static_cast<size_t>(q.site)] = 1;
  std::vector<std::vector<int32_t>> site_reads(sites.size());
  std::vector<std::vector<int32_t>> site_rows(sites.size());  // image rows: indices into site_reads
  std::vector<std::pair<int64_t, int64_t>> site_window(sites.size(), {-1, -1});  // realignment, per site
  for (size_t s = 0; s < sites.size(); ++s) {
    if (!used[s]) continue;
    site_window[s] = realign_window(sites[s], ref, window.begin);
    const int64_t p = sites[s].pos;
    auto lo = std::lower_bound(batch.pos.begin(), batch.pos.end(), p - span);
    auto hi = std::upper_bound(batch.pos.begin(), batch.pos.end(), p);
    auto& rd = site_reads[s];
    for (auto it = lo; it != hi; ++it) {
      const size_t i = static_cast<size_t>(it - batch.pos.begin());
      if (batch.end[i] > p) rd.push_back(static_cast<int32_t>(i));
    }
    std::stable_sort(rd.begin(), rd.end(), [&](int32_t a, int32_t b) {
      return std::make_pair(batch.pos[a], batch.name_hash[a]) < std::make_pair(batch.pos[b], batch.name_hash[b]);
    });
    // Deterministic downsampling: keep the max_reads smallest keys, in start order.
    std::vector<int32_t> order(rd.size());
    for (size_t k = 0; k < rd.size(); ++k) order[k] = static_cast<int32_t>(k);
    if (rd.size() > static_cast<size_t>(max_reads)) {
      auto key = [&](int32_t k) { return mix(batch.name_hash[rd[k]] ^ mix(static_cast<uint64_t>(p))); };
      std::nth_element(order.begin(), order.begin() + max_reads, order.end(),
                       [&](int32_t a, int32_t b) { return key(a) < key(b); });
      order.resize(static_cast<size_t>(max_reads));
      std::sort(order.begin(), order.end());
    }
    site_rows[s] = std::move(order);
  }

  // Example tables (host).
  std::vector<int64_t> centre(n), realign_begin(n), realign_end(n), entry_off(n + 1, 0), allele_off(n + 1, 0),
      allele_pos, allele_seq_off;
  std::vector<int32_t> entry_read, img_rows(static_cast<size_t>(n) * max_reads, -1), allele_type, allele_len;
  std::vector<uint8_t> allele_queried, allele_seq;
  for (int64_t e = 0; e < n; ++e) {
    const ExampleQuery& q = queries[e];
    const Candidate& site = sites.at(static_cast<size_t>(q.site));
    centre[e] = site.pos;
    std::tie(realign_begin[e], realign_end[e]) = site_window[static_cast<size_t>(q.site)];
    const auto& rd = site_reads[q.site];
    for (size_t k = 0; k < site_rows[q.site].size(); ++k)
      img_rows[e * max_reads + k] = static_cast<int32_t>(entry_read.size()) + site_rows[q.site][k];
    entry_read.insert(entry_read.end(), rd.begin(), rd.end());
    entry_off[e + 1] = static_cast<int64_t>(entry_read.size());
    for (size_t a = 0; a < site.alts.size(); ++a) {
      const MinimalAllele m = minimal_allele(site, a);
      allele_pos.push_back(m.pos);
      allele_type.push_back(m.type);
      allele_len.push_back(m.length);
      allele_seq_off.push_back(static_cast<int64_t>(allele_seq.size()));
      for (char c : m.seq) allele_seq.push_back(base_code(c));
      const bool queried = static_cast<int32_t>(a) == q.alt[0] || (q.n_alts == 2 && static_cast<int32_t>(a) == q.alt[1]);
      allele_queried.push_back(queried ? 1 : 0);
    }
    allele_off[e + 1] = static_cast<int64_t>(allele_pos.size());
  }
  std::vector<uint8_t> ref_codes(ref.size());
  for (size_t i = 0; i < ref.size(); ++i) ref_codes[i] = base_code(ref[i]);

  // The tables as Views (copies on device builds; the vectors outlive the kernels).
  using kernels::device_view;
  kernels::ExampleViews<Mem> ex;
  ex.centre = device_view(exec, centre, "centre");
  ex.entry_off = device_view(exec, entry_off, "entry_off");
  ex.entry_read = device_view(exec, entry_read, "entry_read");
  ex.entry_support = kernels::U8View<Mem>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "entry_support"),
                                          entry_read.size());
  ex.img_rows = device_view(exec, img_rows, "img_rows");
  ex.allele_off = device_view(exec, allele_off, "allele_off");
  ex.allele_pos = device_view(exec, allele_pos, "allele_pos");
  ex.allele_type = device_view(exec, allele_type, "allele_type");
  ex.allele_len = device_view(exec, allele_len, "allele_len");
  ex.allele_seq_off = device_view(exec, allele_seq_off, "allele_seq_off");
  ex.allele_queried = device_view(exec, allele_queried, "allele_queried");
  ex.allele_seq = device_view(exec, allele_seq, "allele_seq");
  ex.realign_begin = device_view(exec, realign_begin, "realign_begin");
  ex.realign_end = device_view(exec, realign_end, "realign_end");
  ex.ref = device_view(exec, ref_codes, "ref");
  ex.win_begin = window.begin;
  const kernels::PileupReadViews<Mem>& r = reads.views();

  using Policy = Kokkos::RangePolicy<Exec, Kokkos::IndexType<int64_t>>;
  Kokkos::parallel_for("dvhpc::pileup_support", Policy(exec, 0, static_cast<int64_t>(entry_read.size())),
                       kernels::SupportFunctor<Mem>{r, ex});
  // `call` builds images only for the candidates the RNN is unsure about.
  if (with_images)
    Kokkos::parallel_for("dvhpc::pileup_image", Policy(exec, 0, n * cfg_.height),
                         kernels::PileupImageFunctor<Mem>{r, ex, images, pileup_reference_rows(cfg_), max_reads,
                                                          cfg_.insert_size_channel});
  if (with_features)
    Kokkos::parallel_for("dvhpc::pileup_features", Policy(exec, 0, n),
                         kernels::PileupFeatureFunctor<Mem>{r, ex, features, min_bq_});
  if (support) {
    Kokkos::View<int32_t* [3], Kokkos::LayoutRight, Mem> totals(
        Kokkos::view_alloc(Kokkos::WithoutInitializing, "support_totals"), n);
    Kokkos::parallel_for("dvhpc::support_totals", Policy(exec, 0, n),
                         kernels::SupportTotalsFunctor<Mem>{ex.entry_off, ex.entry_support, totals});
    auto h = Kokkos::create_mirror_view(Kokkos::HostSpace(), totals);
    Kokkos::deep_copy(exec, h, totals);
    exec.fence();
    for (int64_t e = 0; e < n; ++e) {
      ExampleSupport c;
      c.realigned = realign_begin[e] >= 0;
      c.ref = h(e, 0);
      c.alt = h(e, 1);
      c.other_alt = h(e, 2);
      support->push_back(c);
    }
  }
  // The host tables die with this call, and on host builds the Views alias them.
  exec.fence();
}

#define DVHPC_PILEUP_BUILD_ON(Exec)                                                                            \
  template void PileupBuilder::build_on<Exec>(const ReadBatch&, const Region&, const std::string&,            \
                                              const std::vector<Candidate>&, const std::vector<ExampleQuery>&, \
                                              std::vector<uint8_t>&, std::vector<float>&, bool,                \
                                              std::vector<ExampleSupport>*, const kernels::BasicDeviceReads<Exec>*) const;
#define DVHPC_PILEUP_BUILD_VIEWS(Exec)                                                                          \
  template void PileupBuilder::build_views<Exec>(                                                               \
      const Exec&, const kernels::BasicDeviceReads<Exec>&, const ReadBatch&, const Region&, const std::string&,  \
      const std::vector<Candidate>&, const std::vector<ExampleQuery>&,                                          \
      const kernels::FeatureView<Exec::memory_space>&, const kernels::ImageView<Exec::memory_space>&,           \
      std::vector<ExampleSupport>*) const;
DVHPC_PILEUP_BUILD_ON(kernels::ExecSpace)
DVHPC_PILEUP_BUILD_VIEWS(kernels::ExecSpace)
#if DVHPC_KERNELS_ON_DEVICE
DVHPC_PILEUP_BUILD_ON(kernels::HostExecSpace)
DVHPC_PILEUP_BUILD_VIEWS(kernels::HostExecSpace)
#endif
#undef DVHPC_PILEUP_BUILD_ON
#undef DVHPC_PILEUP_BUILD_VIEWS

}  // namespace dvhpc
