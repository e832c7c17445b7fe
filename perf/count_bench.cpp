// Benchmark of the counting front end: load reads (htslib) -> count alleles
// -> select candidates, shard by shard as the pipeline does, on one BAM/CRAM.
//
//   count_bench --reads X.bam --ref R.fa[.gz] --region chr20:10000001-10100000
//               [--shard-size 1000000] [--reps 5] [--decompress-threads N]
//
// Threads come from Kokkos (OMP_NUM_THREADS). Prints one "key=value" line
// per measurement (best of --reps) for perf/count_bench.sh to collect:
//   load_s count_s select_s total_s reads reads_per_s mb_per_core_s candidates
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dvhpc/error.hpp"
#include "dvhpc/partition.hpp"
#include "dvhpc/reads.hpp"
#include "kernels/allele_counter.hpp"

namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int usage() {
  std::fprintf(stderr,
               "usage: count_bench --reads X.bam --ref R.fa --region CHR:B-E [--shard-size N] [--reps N] "
               "[--decompress-threads N]\n");
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  std::string reads_path, ref_path, region_text;
  int reps = 5;
  dvhpc::PartitionConfig pc;
  dvhpc::ReadFilterConfig filters;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--reads") reads_path = v;
    else if (k == "--ref") ref_path = v;
    else if (k == "--region") region_text = v;
    else if (k == "--shard-size") pc.shard_size = std::stoll(v);
    else if (k == "--reps") reps = std::stoi(v);
    else if (k == "--decompress-threads") filters.decompress_threads = std::stoi(v);
    else return usage();
  }
  if (reads_path.empty() || ref_path.empty() || region_text.empty()) return usage();
  Kokkos::ScopeGuard kokkos(argc, argv);
  try {
    dvhpc::Reference ref(ref_path);
    const auto region = dvhpc::normalize_regions({dvhpc::parse_region(region_text)}, ref);
    const auto shards = dvhpc::make_shards(region, pc, ref);
    const int threads = Kokkos::DefaultExecutionSpace::concurrency();
    double best_load = 1e30, best_count = 1e30, best_select = 1e30, best_total = 1e30;
    size_t nreads = 0, ncand = 0;
    // One counter for all repetitions, as one per rank serves all its shards
    // in the pipeline (its Views are allocated once and reused).
    dvhpc::AlleleCounter counter(dvhpc::CandidateConfig{});
    for (int rep = 0; rep < reps; ++rep) {
      dvhpc::ReadLoader loader(reads_path, filters, ref_path);
      const auto map = dvhpc::match_contigs(loader.contigs(), ref.contigs(), {}, false, reads_path, ref_path);
      double t_load = 0, t_count = 0, t_select = 0;
      nreads = ncand = 0;
      for (const auto& s : shards) {
        const double t0 = now();
        dvhpc::ReadBatch batch = loader.load(s.padded, map);
        const std::string bases = ref.fetch(s.padded);
        const double t1 = now();
        counter.count(batch, s.padded, bases);
        const double t2 = now();
        const auto cands = counter.candidates(s.region);
        const double t3 = now();
        t_load += t1 - t0;
        t_count += t2 - t1;
        t_select += t3 - t2;
        nreads += batch.size();
        ncand += cands.size();
      }
      best_load = std::min(best_load, t_load);
      best_count = std::min(best_count, t_count);
      best_select = std::min(best_select, t_select);
      best_total = std::min(best_total, t_load + t_count + t_select);
    }
    int64_t bases = 0;
    for (const auto& r : region) bases += r.length();
    const double kernel_s = best_count + best_select;
    std::printf(
        "threads=%d shards=%zu reads=%zu candidates=%zu region_bp=%lld load_s=%.4f count_s=%.4f select_s=%.4f "
        "kernel_s=%.4f total_s=%.4f kernel_reads_per_s=%.0f total_reads_per_s=%.0f kernel_mb_per_core_s=%.2f "
        "total_mb_per_core_s=%.3f\n",
        threads, shards.size(), nreads, ncand, static_cast<long long>(bases), best_load, best_count, best_select,
        kernel_s, best_total, nreads / kernel_s, nreads / best_total, bases / 1e6 / (kernel_s * threads),
        bases / 1e6 / (best_total * threads));
  } catch (const dvhpc::Error& e) {
    std::fprintf(stderr, "count_bench: %s\n", e.what());
    return e.exit_code();
  }
  return 0;
}
