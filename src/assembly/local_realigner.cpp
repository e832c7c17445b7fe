#include "dvhpc/local_realigner.hpp"

#include <algorithm>
#include <numeric>

#include <Kokkos_Core.hpp>

#include "active_windows.hpp"
#include "align.hpp"
#include "cigar_ops.hpp"
#include "debruijn.hpp"
#include "read_fragment.hpp"
#include "kernels/realign.hpp"

namespace dvhpc {
namespace {

using assembly::Window;

// Reads are realigned over a window plus this much reference either side
// (read_fragment.hpp): past the longest short reads (2 x 250 bp runs), so
// those are realigned whole, and the cost for a long read is bounded by the
// window instead of growing with its length.
constexpr int64_t kFragmentFlank = 300;
using namespace assembly;  // cigar_ops helpers

// A read's current alignment: the batch's, or the one a window gave it.
struct Alignments {
  const ReadBatch& batch;
  std::vector<int64_t> pos, end;
  std::vector<std::vector<uint32_t>> cigar;  // empty: unchanged
  std::vector<uint8_t> changed;

  explicit Alignments(const ReadBatch& b)
      : batch(b), pos(b.pos), end(b.end), cigar(b.size()), changed(b.size(), 0) {}
  const uint32_t* ops(size_t r) const {
    return changed[r] ? cigar[r].data() : batch.cigar.data() + batch.cigar_offset[r];
  }
  size_t n_ops(size_t r) const {
    return changed[r] ? cigar[r].size() : batch.cigar_offset[r + 1] - batch.cigar_offset[r];
  }
};

// Reorders every per-read field of `b` by `order`, rebuilding the CSR
// offsets; cigars come from `al` (new or original).
void rebuild(ReadBatch& b, const Alignments& al, const std::vector<size_t>& order) {
  ReadBatch out;
  out.region = b.region;
  out.reserve(b.size(), b.size() ? b.bases.size() / b.size() : 0);
  for (const size_t r : order) {
    out.pos.push_back(al.pos[r]);
    out.end.push_back(al.end[r]);
    out.cigar.insert(out.cigar.end(), al.ops(r), al.ops(r) + al.n_ops(r));
    out.cigar_offset.push_back(static_cast<uint32_t>(out.cigar.size()));
    out.bases.insert(out.bases.end(), b.bases.begin() + static_cast<std::ptrdiff_t>(b.seq_offset[r]),
                     b.bases.begin() + static_cast<std::ptrdiff_t>(b.seq_offset[r + 1]));
    out.quals.insert(out.quals.end(), b.quals.begin() + static_cast<std::ptrdiff_t>(b.seq_offset[r]),
                     b.quals.begin() + static_cast<std::ptrdiff_t>(b.seq_offset[r + 1]));
    out.seq_offset.push_back(out.bases.size());
    out.mapq.push_back(b.mapq[r]);
    out.reverse.push_back(b.reverse[r]);
    out.insert_size.push_back(b.insert_size[r]);
    out.name_hash.push_back(b.name_hash[r]);
  }
  b = std::move(out);
}

// Reads whose (aligner's) alignment overlaps window w, and their bases
// there; no read spans more than `max_span` reference bases.
void gather_reads(const ReadBatch& batch, const Window& w, int64_t max_span, std::vector<size_t>& reads,
                  std::vector<assembly::ReadSeq>& seqs) {
  reads.clear();
  seqs.clear();
  const auto lo = std::lower_bound(batch.pos.begin(), batch.pos.end(), w.begin - max_span);
  const auto hi = std::lower_bound(batch.pos.begin(), batch.pos.end(), w.end);
  for (auto it = lo; it != hi; ++it) {
    const size_t r = static_cast<size_t>(it - batch.pos.begin());
    if (batch.pos[r] >= w.end || batch.end[r] <= w.begin) continue;
    uint64_t qb, qe;
    kernels::query_span(kernels::HostCigar{batch.cigar.data()}, batch.cigar_offset[r], batch.cigar_offset[r + 1],
                        batch.pos[r], 0, w.begin, w.end, qb, qe);
    reads.push_back(r);
    if (qe > qb)
      seqs.push_back({batch.bases.data() + batch.seq_offset[r] + qb, batch.quals.data() + batch.seq_offset[r] + qb,
                      qe - qb});
  }
}

// The indels a haplotype spells against the reference (anchored at the base
// before them, as the allele counter reports them), `support` reads each.
void haplotype_indels(const std::vector<uint8_t>& hap, const std::vector<int64_t>& ref_of, int32_t support,
                      std::vector<IndelAllele>& out) {
  int64_t last = -1;
  for (size_t i = 0; i < hap.size();) {
    if (ref_of[i] < 0) {
      size_t j = i;
      std::string ins;
      while (j < hap.size() && ref_of[j] < 0) ins.push_back(base_char(hap[j++]));
      if (last >= 0) out.push_back({last, static_cast<int32_t>(ins.size()), ins, support, 0});
      i = j;
      continue;
    }
    if (last >= 0 && ref_of[i] > last + 1) out.push_back({last, static_cast<int32_t>(last + 1 - ref_of[i]), "", support, 0});
    last = ref_of[i++];
  }
}

// Widens [vb, ve) over the reference positions where `hap` (aligned to
// window_ref as `ref_of`) differs from it.
void differing_span(const std::string& hap, const std::vector<int64_t>& ref_of, const std::string& window_ref,
                    int64_t w_begin, int64_t& vb, int64_t& ve) {
  int64_t prev = w_begin - 1;
  for (size_t i = 0; i < hap.size(); ++i) {
    const int64_t r = ref_of[i];
    int64_t lo = r, hi = r + 1;
    if (r < 0) {
      lo = prev, hi = prev + 2;  // an insertion sits between prev and the next base
    } else if (r > prev + 1) {
      lo = prev, hi = r + 1;  // a deletion
    } else if (hap[i] == window_ref[static_cast<size_t>(r - w_begin)]) {
      prev = r;
      continue;
    }
    vb = std::min(vb, lo);
    ve = std::max(ve, hi);
    if (r >= 0) prev = r;
  }
}

}  // namespace

RealignStats& RealignStats::operator+=(const RealignStats& o) {
  windows += o.windows;
  too_long += o.too_long;
  not_assembled += o.not_assembled;
  with_alts += o.with_alts;
  reads_considered += o.reads_considered;
  reads_realigned += o.reads_realigned;
  return *this;
}

namespace {

// What the whole batch shares while windows are assembled (read-only).
struct Context {
  const ReadBatch& batch;
  const std::string& ref;
  int64_t ref_begin, ref_end;
  const AssemblyConfig& cfg;
  assembly::AssemblyParams params;
  int64_t max_span = 0;  // longest reference span of a read
  int64_t flank = 0;     // reference either side of a window: every read fragment fits
};

// A new alignment of read bases [qb, qe) (the whole read for short reads).
struct NewAlignment {
  size_t read;
  uint32_t qb, qe;
  bool left_free;  // qb is in the leading clip: the read's start may move
  int64_t pos;
  std::vector<uint32_t> cigar;
};

// One window's outcome, computed from the aligner's alignments only, so
// windows can run in any order on any thread.
struct WindowResult {
  bool skipped = false, not_assembled = false, with_alts = false;
  int64_t considered = 0;
  std::vector<NewAlignment> changes;
  std::vector<IndelAllele> alleles;
};

WindowResult assemble_window(const Context& cx, Window w) {
  thread_local assembly::BandedAligner aligner;
  const ReadBatch& batch = cx.batch;
  const std::string& ref = cx.ref;
  WindowResult out;
  auto fits = [&](const Window& x) { return x.begin - cx.flank >= cx.ref_begin && x.end + cx.flank <= cx.ref_end; };
  if (!fits(w)) {  // too near the loaded edge: the neighbouring shard assembles it
    out.skipped = true;
    return out;
  }
  std::vector<size_t> reads;
  std::vector<assembly::ReadSeq> seqs;
  std::string window_ref;
  assembly::AssemblyResult asm_result;
  // A haplotype cannot differ from the reference in its first or last k
  // bases (they anchor the graph), so when repeats force k past the
  // padding, variants near the window's ends would be lost: widen once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    gather_reads(batch, w, cx.max_span, reads, seqs);
    window_ref = ref.substr(static_cast<size_t>(w.begin - cx.ref_begin), static_cast<size_t>(w.end - w.begin));
    asm_result = assembly::assemble(window_ref, seqs, cx.params);
    const Window wider{w.begin - asm_result.k, w.end + asm_result.k};
    if (attempt == 1 || !asm_result.ok || asm_result.k < cx.cfg.padding || !fits(wider)) break;
    w = wider;
  }
  out.not_assembled = !asm_result.ok;
  if (!asm_result.ok || asm_result.haplotypes.size() < 2) return out;
  out.with_alts = true;

  // Each haplotype flanked by reference, as base codes, and where each of
  // its bases sits on the reference.
  const int64_t e0 = w.begin - cx.flank, e1 = w.end + cx.flank;
  const size_t n_hap = asm_result.haplotypes.size();
  std::vector<std::vector<uint8_t>> targets(n_hap);
  std::vector<std::vector<int64_t>> ref_of(n_hap);
  std::vector<int> len_diff(n_hap);
  int64_t var_begin = w.end, var_end = w.begin;  // where any haplotype differs from the reference
  for (size_t h = 0; h < n_hap; ++h) {
    const std::string& hap = asm_result.haplotypes[h];
    len_diff[h] = std::abs(static_cast<int>(hap.size()) - static_cast<int>(w.end - w.begin));
    const std::vector<int64_t> core = assembly::align_haplotype(hap, window_ref, w.begin);
    differing_span(hap, core, window_ref, w.begin, var_begin, var_end);
    auto& t = targets[h];
    auto& ro = ref_of[h];
    auto ref_base = [&](int64_t p) { return base_code(ref[static_cast<size_t>(p - cx.ref_begin)]); };
    for (int64_t p = e0; p < w.begin; ++p) t.push_back(ref_base(p)), ro.push_back(p);
    for (size_t i = 0; i < hap.size(); ++i) t.push_back(base_code(hap[i])), ro.push_back(core[i]);
    for (int64_t p = w.end; p < e1; ++p) t.push_back(ref_base(p)), ro.push_back(p);
  }
  {  // An indel in a repeat can be spelled anywhere along it: widen over repeats.
    int64_t lo = std::max(var_begin, w.begin) - w.begin, hi = std::min(var_end, w.end) - w.begin;
    assembly::cover_repeats(window_ref, lo, hi, *std::max_element(len_diff.begin(), len_diff.end()),
                            w.end - w.begin);
    var_begin = std::min(var_begin, w.begin + lo), var_end = std::max(var_end, w.begin + hi);
  }

  std::vector<int32_t> assigned(n_hap, 0);  // reads each haplotype fits best
  assembly::ReadAlignment aln, best_aln;
  assembly::ReadFragment frag;
  std::vector<uint32_t> new_cigar, best_cigar;
  const int64_t cut_begin = w.begin - kFragmentFlank, cut_end = w.end + kFragmentFlank;
  for (const size_t r : reads) {
    // Only the read's bases near the window can fit one haplotype better
    // than another; a short read is all near it (both ends free), a long
    // one is cut and its new alignment spliced in (read_fragment.hpp).
    if (!assembly::cut_fragment(batch.cigar.data() + batch.cigar_offset[r],
                                batch.cigar_offset[r + 1] - batch.cigar_offset[r], batch.pos[r], cut_begin, cut_end,
                                frag))
      continue;
    const uint8_t* bases = batch.bases.data() + batch.seq_offset[r] + frag.qb;
    const uint8_t* quals = batch.quals.data() + batch.seq_offset[r] + frag.qb;
    const int m = static_cast<int>(frag.qe - frag.qb);
    const uint32_t* ops = frag.cigar.data();
    const size_t n_ops = frag.cigar.size();
    const int64_t pos = frag.pos;
    const int current = assembly::alignment_cost(bases, quals, ops, n_ops, pos, ref, cx.ref_begin);
    if (current <= 0) continue;  // a perfect match already, or cannot be scored (spliced, off the edge)
    const int64_t lead = leading_clip(ops, n_ops), trail = trailing_clip(ops, n_ops);
    // Away from where the haplotypes differ every one of them is the
    // reference, and a read that matches the reference there base for
    // base fits no alt haplotype better: nothing to choose between.
    if (pos - lead >= var_end || frag.end + trail <= var_begin) continue;
    if (!differs_from_ref(bases, ops, n_ops, pos, ref, cx.ref_begin, var_begin, var_end)) continue;
    ++out.considered;
    const int64_t diag = pos - lead - e0;
    // The band follows the fragment's own indels, not the whole read's.
    const int read_indels = static_cast<int>(indel_bases(ops, n_ops));
    const uint32_t clipped = clipped_bases(ops, n_ops);
    const bool anchored = !frag.left_free || !frag.right_free;
    int best = current, best_hap = -1;
    int64_t best_pos = 0;
    for (size_t h = 0; h < n_hap; ++h) {
      const int band = len_diff[h] + read_indels + 8;
      if (!aligner.align(bases, quals, m, targets[h].data(), static_cast<int>(targets[h].size()), diag, band, aln))
        continue;
      // Realignment explains bases; it never hides more of them in soft
      // clips than the aligner did (three SNPs near a read end are evidence).
      if (aln.cost >= best || clipped_bases(aln.cigar.data(), aln.cigar.size()) > clipped) continue;
      if (anchored) {  // a cut end must meet the rest of the read where it did
        int64_t p = 0;
        if (!assembly::compose(aln, ref_of[h], p, new_cigar) || !assembly::joins(frag, p, new_cigar)) continue;
      }
      best = aln.cost, best_hap = static_cast<int>(h), best_aln = aln;
    }
    if (best_hap < 0) continue;
    ++assigned[static_cast<size_t>(best_hap)];
    if (!assembly::compose(best_aln, ref_of[static_cast<size_t>(best_hap)], best_pos, best_cigar)) continue;
    if (best_pos == pos && best_cigar.size() == n_ops && std::equal(best_cigar.begin(), best_cigar.end(), ops)) continue;
    out.changes.push_back({r, frag.qb, frag.qe, frag.left_free, best_pos, best_cigar});
  }
  for (size_t h = 1; h < n_hap; ++h)
    if (assigned[h] >= cx.cfg.min_edge_weight) haplotype_indels(targets[h], ref_of[h], assigned[h], out.alleles);
  return out;
}

}  // namespace

RealignStats realign_reads(ReadBatch& batch, const std::string& ref, int64_t ref_begin, const AssemblyConfig& cfg,
                           int min_base_quality, std::vector<IndelAllele>* assembled) {
  RealignStats st;
  if (!cfg.enabled || batch.empty()) return st;
  assembly::WindowStats ws;
  const std::vector<Window> windows = assembly::active_windows(batch, ref, ref_begin, cfg, &ws);
  st.windows = static_cast<int64_t>(windows.size());
  st.too_long = ws.too_long;
  if (windows.empty()) return st;

  Context cx{batch, ref, ref_begin, ref_begin + static_cast<int64_t>(ref.size()), cfg, {}, 0, 0};
  cx.params.k_min = cfg.k_min;
  cx.params.k_max = cfg.k_max;
  cx.params.k_step = cfg.k_step;
  cx.params.min_edge_weight = cfg.min_edge_weight;
  cx.params.min_base_quality = min_base_quality;
  cx.params.max_haplotypes = cfg.max_haplotypes;
  int64_t max_len = 0;
  for (size_t r = 0; r < batch.size(); ++r) {
    cx.max_span = std::max(cx.max_span, batch.end[r] - batch.pos[r]);
    max_len = std::max<int64_t>(max_len, static_cast<int64_t>(batch.seq_offset[r + 1] - batch.seq_offset[r]));
  }
  // Targets must hold every fragment: reads cut to kFragmentFlank of the
  // window, or whole when shorter (as before the cut, for short reads).
  cx.flank = std::min<int64_t>(max_len, kFragmentFlank) + 32;

  // Windows are independent (each reads the aligner's alignments), so they
  // run on all host threads; a read two windows realign keeps the first
  // (in genome order) window's alignment, whatever the thread count.
  std::vector<WindowResult> results(windows.size());
  Kokkos::parallel_for(
      "dvhpc::assemble_windows",
      Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace, Kokkos::Schedule<Kokkos::Dynamic>>(
          0, static_cast<int64_t>(windows.size())),
      [&](int64_t i) { results[static_cast<size_t>(i)] = assemble_window(cx, windows[static_cast<size_t>(i)]); });
  // A read keeps, per window in genome order, the new alignment of each
  // fragment that shares no base with one it already took (a short read's
  // fragment is the whole read: the first window's wins, whatever the
  // thread count); a long read takes one per window it crosses.
  Alignments al(batch);
  std::vector<std::vector<const NewAlignment*>> taken(batch.size());
  for (auto& res : results) {
    st.not_assembled += res.not_assembled;
    st.with_alts += res.with_alts;
    st.reads_considered += res.considered;
    for (const auto& c : res.changes) {
      auto& t = taken[c.read];
      if (std::any_of(t.begin(), t.end(), [&](const NewAlignment* o) { return c.qb < o->qe && o->qb < c.qe; }))
        continue;
      t.push_back(&c);
    }
    if (assembled) assembled->insert(assembled->end(), res.alleles.begin(), res.alleles.end());
  }
  for (size_t r = 0; r < batch.size(); ++r) {
    auto& t = taken[r];
    if (t.empty()) continue;
    // Right to left: a splice leaves the bases before its fragment, and so
    // the anchors of the fragments further left, as they were.
    std::sort(t.begin(), t.end(), [](const NewAlignment* x, const NewAlignment* y) { return x->qb > y->qb; });
    int64_t pos = batch.pos[r];
    std::vector<uint32_t> cigar(batch.cigar.begin() + batch.cigar_offset[r], batch.cigar.begin() + batch.cigar_offset[r + 1]);
    for (const NewAlignment* c : t) assembly::splice_fragment(pos, cigar, c->qb, c->qe, c->left_free, c->pos, c->cigar);
    al.changed[r] = 1;
    al.pos[r] = pos;
    al.end[r] = assembly::ref_end_of(pos, cigar.data(), cigar.size());
    al.cigar[r] = std::move(cigar);
    ++st.reads_realigned;
  }
  if (st.reads_realigned == 0) return st;
  std::vector<size_t> order(batch.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return al.pos[a] < al.pos[b]; });
  rebuild(batch, al, order);
  return st;
}

}  // namespace dvhpc
