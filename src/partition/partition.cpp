#include "dvhpc/partition.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "dvhpc/error.hpp"
#include "dvhpc/reads.hpp"

namespace dvhpc {

std::vector<Region> normalize_regions(std::vector<Region> regions, const Reference& ref) {
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < ref.contigs().size(); ++i) order[ref.contigs()[i].name] = i;
  for (auto& r : regions) {
    auto it = order.find(r.contig);
    if (it == order.end())
      throw Error(ErrorKind::Input, "region " + r.to_string() + " names contig '" + r.contig +
                                        "', which is not in the reference '" + ref.path() +
                                        "' (check the spelling, e.g. 'chr20' vs '20')");
    const int64_t len = ref.contigs()[it->second].length;
    // Wholly past the end: a region of another assembly or a typo, never
    // something to call as nothing (the VCF would be empty, exit 0).
    if (r.begin >= len && r.end > r.begin)
      throw Error(ErrorKind::Input, "region " + r.to_string() + " lies past the end of contig '" + r.contig +
                                        "' (length " + std::to_string(len) + " in the reference '" + ref.path() +
                                        "'; is it for another assembly?)");
    r.end = std::min(r.end, len);
    r.begin = std::max<int64_t>(0, r.begin);
  }
  regions.erase(std::remove_if(regions.begin(), regions.end(), [](const Region& r) { return r.end <= r.begin; }),
                regions.end());
  std::sort(regions.begin(), regions.end(), [&](const Region& a, const Region& b) {
    const size_t oa = order.at(a.contig), ob = order.at(b.contig);
    return oa != ob ? oa < ob : a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::vector<Region> merged;
  for (const auto& r : regions) {
    if (!merged.empty() && merged.back().contig == r.contig && r.begin <= merged.back().end)
      merged.back().end = std::max(merged.back().end, r.end);
    else
      merged.push_back(r);
  }
  return merged;
}

std::vector<Region> whole_reference_regions(const Reference& ref, const PartitionConfig& cfg) {
  std::vector<Region> out;
  for (const auto& c : ref.contigs()) {
    int64_t at = 0;
    for (const auto& n : ref.n_runs(c.name, std::max<int64_t>(1, cfg.min_n_run))) {
      if (n.begin > at) out.push_back({c.name, at, n.begin});
      at = n.end;
    }
    if (at < c.length) out.push_back({c.name, at, c.length});
  }
  return out;
}

std::vector<Region> target_regions(const Config& cfg, const Reference& ref) {
  if (!cfg.regions.empty()) return normalize_regions(cfg.regions, ref);
  if (!cfg.regions_bed.empty()) return normalize_regions(read_bed(cfg.regions_bed), ref);
  return whole_reference_regions(ref, cfg.partition);
}

std::vector<Shard> make_shards(const std::vector<Region>& regions, const PartitionConfig& cfg,
                               const Reference& ref) {
  if (cfg.shard_size <= 0)
    throw Error(ErrorKind::Config, "partition.shard_size must be positive (got " + std::to_string(cfg.shard_size) + ")");
  std::vector<Shard> shards;
  for (const auto& r : regions) {
    const int64_t len = ref.length(r.contig);
    const int64_t n = (r.length() + cfg.shard_size - 1) / cfg.shard_size;
    for (int64_t i = 0; i < n; ++i) {
      Shard s;
      s.index = static_cast<int64_t>(shards.size());
      // Near-equal pieces: boundaries at r.begin + floor(i * len / n).
      s.region = {r.contig, r.begin + i * r.length() / n, r.begin + (i + 1) * r.length() / n};
      s.padded = {r.contig, std::max<int64_t>(0, s.region.begin - cfg.margin),
                  std::min(len, s.region.end + cfg.margin)};
      shards.push_back(std::move(s));
    }
  }
  return shards;
}

std::vector<double> estimate_shard_weights(const std::vector<Shard>& shards, const ReadLoader& reads,
                                           const ContigMap& contigs) {
  std::vector<double> w(shards.size(), 0.0);
  std::map<int, int64_t> contig_bytes;
  for (size_t i = 0; i < shards.size(); ++i) {
    const Shard& s = shards[i];
    const int tid = contigs.reads_tid(s.padded.contig);
    double estimate = 0;
    if (tid >= 0) {
      const int64_t contig_len = reads.contigs()[static_cast<size_t>(tid)].length;
      const double mapped = static_cast<double>(reads.indexed_mapped_reads(tid));
      if (!contig_bytes.count(tid)) contig_bytes[tid] = reads.indexed_bytes(tid, 0, contig_len);
      const int64_t bytes = reads.indexed_bytes(tid, s.padded.begin, s.padded.end);
      if (bytes >= 0 && contig_bytes[tid] > 0)
        estimate = mapped * static_cast<double>(bytes) / static_cast<double>(contig_bytes[tid]);
      else
        estimate = mapped * static_cast<double>(s.padded.length()) / static_cast<double>(contig_len);
    }
    w[i] = estimate + static_cast<double>(s.padded.length()) / 1000.0;
  }
  return w;
}

namespace {
// Ranks the plain greedy fill needs when no rank may exceed `cap`.
int ranks_needed(const std::vector<double>& w, double cap) {
  int groups = 1;
  double sum = 0;
  for (double x : w) {
    if (sum + x > cap && sum > 0) {
      ++groups;
      sum = 0;
    }
    sum += x;
  }
  return groups;
}
}  // namespace

std::vector<std::vector<int64_t>> assign_shards(const std::vector<Shard>& shards,
                                                const std::vector<double>& weights, int nranks) {
  if (nranks < 1) throw Error(ErrorKind::Internal, "assign_shards: nranks must be >= 1");
  if (weights.size() != shards.size())
    throw Error(ErrorKind::Internal, "assign_shards: " + std::to_string(weights.size()) + " weights for " +
                                         std::to_string(shards.size()) + " shards");
  std::vector<double> w(weights);
  for (auto& x : w) x = std::max(0.0, x);
  std::vector<std::vector<int64_t>> out(static_cast<size_t>(nranks));
  if (w.empty()) return out;

  // Bisect the bottleneck: the smallest cap the greedy fill meets with
  // nranks ranks is the optimum of the contiguous partition.
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  double lo = std::max(*std::max_element(w.begin(), w.end()), total / nranks), hi = total;
  for (int it = 0; it < 100 && hi - lo > 1e-9 * std::max(1.0, total); ++it) {
    const double mid = 0.5 * (lo + hi);
    (ranks_needed(w, mid) <= nranks ? hi : lo) = mid;
  }
  if (ranks_needed(w, lo) <= nranks) hi = lo;

  // Greedy fill under cap `hi`, but once shards left == ranks left, give
  // one each so no rank idles while another holds several shards.
  const int64_t n = static_cast<int64_t>(w.size());
  int64_t i = 0;
  for (int r = 0; r < nranks && i < n; ++r) {
    double sum = 0;
    while (i < n) {
      const int64_t shards_left = n - i, ranks_left_after = nranks - r - 1;
      if (!out[static_cast<size_t>(r)].empty() && (sum + w[static_cast<size_t>(i)] > hi || shards_left <= ranks_left_after)) break;
      sum += w[static_cast<size_t>(i)];
      out[static_cast<size_t>(r)].push_back(i++);
    }
  }
  // Floating-point slack: anything left goes to the last rank.
  while (i < n) out.back().push_back(i++);
  return out;
}

}  // namespace dvhpc
