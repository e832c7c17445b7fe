// Host side of candidate selection: launch the SNP scan/fill and the indel
// select kernels over the core of the counted window, then merge the
// passing alleles of each position into one VCF-style site.
#include "kernels/candidate_select.hpp"

#include <algorithm>
#include <map>

#include "dvhpc/error.hpp"
#include "kernels/allele_counter.hpp"

namespace dvhpc {

using namespace kernels;

namespace {

struct SiteAlleles {
  std::vector<std::pair<char, int32_t>> snps;  // alt base, count
  std::vector<IndelAllele> indels;
};

Candidate merge_site(const std::string& contig, int64_t pos, const SiteAlleles& s, const std::string& ref,
                     int64_t ref_begin) {
  // REF spans the anchor plus the longest deletion.
  int32_t longest_del = 0;
  for (const auto& d : s.indels) longest_del = std::max(longest_del, d.is_deletion() ? -d.length : 0);
  Candidate c;
  c.contig = contig;
  c.pos = pos;
  c.ref = ref.substr(static_cast<size_t>(pos - ref_begin), static_cast<size_t>(longest_del) + 1);
  const std::string tail = c.ref.substr(1);
  for (const auto& [base, count] : s.snps) {
    c.alts.push_back(std::string(1, base) + tail);
    c.alt_counts.push_back(count);
  }
  for (const auto& d : s.indels) {
    if (d.is_deletion())
      c.alts.push_back(c.ref.substr(0, 1) + c.ref.substr(std::min(c.ref.size(), static_cast<size_t>(1 - d.length))));
    else
      c.alts.push_back(c.ref.substr(0, 1) + d.inserted + tail);
    c.alt_counts.push_back(d.count);
  }
  return c;
}

}  // namespace

template <class Exec>
std::vector<Candidate> BasicAlleleCounter<Exec>::candidates(const Region& core,
                                                           const std::vector<IndelAllele>& extra) {
  if (core.contig != window_.contig || core.begin < window_.begin || core.end > window_.end)
    throw Error(ErrorKind::Internal, "candidates(" + core.to_string() + ") outside the counted window " +
                                         window_.to_string());
  const Thresholds t{cfg_.min_count, cfg_.snp_min_fraction, cfg_.indel_min_fraction};
  const int64_t core_off = core.begin - window_.begin;
  const int64_t ncore = core.length();

  // SNPs: scan sizes the output, fill writes it.
  SnpScanFunctor<Mem> scan{counts_, ref_codes_, I64View<Mem>("dvhpc::snp_offsets", ncore + 1), core_off, t};
  int64_t n_snp = 0;
  Kokkos::parallel_scan("dvhpc::snp_scan", Kokkos::RangePolicy<Exec>(exec_, 0, ncore), scan, n_snp);
  SnpFillFunctor<Mem> fill{scan, I64View<Mem>("dvhpc::snp_pos", n_snp), U8View<Mem>("dvhpc::snp_base", n_snp),
                           I32View<Mem>("dvhpc::snp_count", n_snp)};
  Kokkos::parallel_for("dvhpc::snp_fill", Kokkos::RangePolicy<Exec>(exec_, 0, ncore), fill);

  // Indels: one pass over the hash map slots.
  IndelSelectFunctor<Device> sel{indels_, counts_, U32View<Mem>("dvhpc::indel_slots", indels_.size()),
                                 I32View<Mem>("dvhpc::indel_n", 1), core_off, core_off + ncore, t};
  Kokkos::parallel_for("dvhpc::indel_select", Kokkos::RangePolicy<Exec>(exec_, 0, indels_.capacity()), sel);
  exec_.fence();

  auto h_pos = Kokkos::create_mirror_view_and_copy(HostSpace(), fill.out_pos);
  auto h_base = Kokkos::create_mirror_view_and_copy(HostSpace(), fill.out_base);
  auto h_count = Kokkos::create_mirror_view_and_copy(HostSpace(), fill.out_count);
  auto h_n = Kokkos::create_mirror_view_and_copy(HostSpace(), sel.n_out);
  auto h_slots = Kokkos::create_mirror_view_and_copy(HostSpace(), sel.out_slot);

  std::map<int64_t, SiteAlleles> sites;
  for (int64_t i = 0; i < n_snp; ++i)
    sites[window_.begin + h_pos(i)].snps.emplace_back(base_char(h_base(i)), h_count(i));
  if (h_n(0) > 0) {
    IndelMap<HostSpace> hm;
    hm.create_copy_view(indels_);
    for (int32_t i = 0; i < h_n(0); ++i) {
      IndelAllele a = indel_at(h_slots(i), hm);
      sites[a.pos].indels.push_back(std::move(a));
    }
  }

  for (const IndelAllele& a : extra) {
    if (a.pos < core.begin || a.pos >= core.end || a.pos - a.length >= window_.end) continue;  // REF must fit
    auto& indels = sites[a.pos].indels;
    const bool known = std::any_of(indels.begin(), indels.end(), [&](const IndelAllele& b) {
      return b.length == a.length && b.inserted == a.inserted;
    });
    if (!known) indels.push_back(a);
  }

  // One copy of the counts (a no-op on host backends).
  auto h_counts = Kokkos::create_mirror_view_and_copy(HostSpace(), counts_);
  std::vector<Candidate> out;
  out.reserve(sites.size());
  for (auto& [pos, s] : sites) {
    // Deterministic allele order: SNPs by base, deletions longest first, then insertions.
    std::sort(s.indels.begin(), s.indels.end(), [](const IndelAllele& a, const IndelAllele& b) {
      return a.length != b.length ? a.length < b.length : a.inserted < b.inserted;
    });
    Candidate c = merge_site(window_.contig, pos, s, ref_, window_.begin);
    const int64_t p = pos - window_.begin;
    const uint8_t rc = base_code(ref_[static_cast<size_t>(p)]);
    c.ref_count = allele_base(h_counts, p, rc);
    c.total = allele_total(h_counts, p);
    out.push_back(std::move(c));
  }
  return out;
}

template std::vector<Candidate> BasicAlleleCounter<ExecSpace>::candidates(const Region&,
                                                                        const std::vector<IndelAllele>&);
#if DVHPC_KERNELS_ON_DEVICE
template std::vector<Candidate> BasicAlleleCounter<HostExecSpace>::candidates(const Region&,
                                                                            const std::vector<IndelAllele>&);
#endif

std::string Candidate::to_string() const {
  std::string s = contig + ":" + std::to_string(pos + 1) + " " + ref + ">";
  for (size_t i = 0; i < alts.size(); ++i) s += (i ? "," : "") + alts[i];
  return s;
}

}  // namespace dvhpc
