// Local assembly + realignment end to end on a hand-made batch: a het
// insertion of two GATA units into a (GATA)5 repeat, which the "aligner"
// spelled at five different places along the repeat and as soft clips.
//
//   ref  ...C GATA GATA GATA GATA GATA CC...
//   alt  ...C GATA GATA GATA GATA GATA GATA GATA CC...
//   aligner:  xM 8I yM  with the 8I after unit 0, 1, 2, 3, 4 or 5 of the run
//   after:    every spanning alt read has its 8I right after the C (leftmost)
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "dvhpc/local_realigner.hpp"
#include "read_batch_util.hpp"
#include "src/assembly/active_windows.hpp"

using namespace dvhpc;
using dvhpc::test::add_read;
using dvhpc::test::cigar_string;

namespace {

constexpr int64_t kRepeat = 300;  // offset of the repeat's first G
constexpr int kReadLen = 70;
const std::string kIns = "GATAGATA";

std::string make_ref() {
  std::mt19937 rng(7);
  std::string s;
  for (int i = 0; i < 600; ++i) s.push_back("ACGT"[rng() % 4]);
  s.replace(kRepeat - 1, 23, "C" + std::string("GATAGATAGATAGATAGATA") + "CC");
  return s;
}

// Alt reads (even starts) and ref reads (odd starts) every 3 bases.
// `spanning_alt`: alt reads from before the repeat to past its (longer)
// end, the ones that can tell the alleles apart.
ReadBatch make_batch(const std::string& ref, std::vector<uint64_t>* spanning_alt) {
  const std::string alt = ref.substr(0, kRepeat) + kIns + ref.substr(kRepeat);
  ReadBatch b;
  spanning_alt->clear();
  int k = 0;
  for (int64_t s = 150; s + kReadLen < 450; s += 3, ++k) {
    if (k % 2) {
      add_read(b, s, std::to_string(kReadLen) + "M", ref.substr(s, kReadLen));
      continue;
    }
    const std::string seq = alt.substr(s, kReadLen);
    const int64_t e = s + kReadLen;
    if (e <= kRepeat) {
      add_read(b, s, std::to_string(kReadLen) + "M", seq);
    } else if (s >= kRepeat + 8) {
      add_read(b, s - 8, std::to_string(kReadLen) + "M", seq);
    } else if (s < kRepeat && e > kRepeat + 8) {
      int64_t shift = 4 * ((k / 2) % 6);  // where the aligner put the insertion
      if (kRepeat + shift - s + 8 > kReadLen) shift = 0;
      const int64_t left = kRepeat + shift - s;
      add_read(b, s, std::to_string(left) + "M8I" + std::to_string(kReadLen - left - 8) + "M", seq);
      if (e > kRepeat + 8 + 20) spanning_alt->push_back(b.name_hash.back());
    } else if (s < kRepeat) {  // ends inside the insertion
      add_read(b, s, std::to_string(kRepeat - s) + "M" + std::to_string(e - kRepeat) + "S", seq);
    } else {  // starts inside it
      const int64_t clip = kRepeat + 8 - s;
      add_read(b, kRepeat, std::to_string(clip) + "S" + std::to_string(kReadLen - clip) + "M", seq);
    }
  }
  // The batch is sorted by start, as the loader gives it.
  return b;
}

}  // namespace

TEST_CASE("assembly: active windows come from indel and clip events, not SNPs") {
  const std::string ref = make_ref();
  AssemblyConfig cfg;
  ReadBatch snps;
  for (int64_t s = 100; s < 200; s += 5) {
    std::string seq = ref.substr(s, 50);
    seq[10] = seq[10] == 'A' ? 'C' : 'A';
    add_read(snps, s, "50M", seq);
  }
  CHECK(assembly::active_windows(snps, ref, 0, cfg).empty());
  std::vector<uint64_t> spanning;
  const ReadBatch b = make_batch(ref, &spanning);
  const auto w = assembly::active_windows(b, ref, 0, cfg);
  REQUIRE(w.size() == 1);
  // The window covers the whole repeat plus padding on both sides.
  CHECK(w[0].begin <= kRepeat - cfg.padding);
  CHECK(w[0].end >= kRepeat + 20 + cfg.padding);
  cfg.min_events = 1000;
  CHECK(assembly::active_windows(b, ref, 0, cfg).empty());
}

TEST_CASE("assembly: realignment spells one insertion the same way in every read") {
  const std::string ref = make_ref();
  std::vector<uint64_t> spanning;
  ReadBatch b = make_batch(ref, &spanning);
  const ReadBatch before = b;
  REQUIRE(spanning.size() >= 6);
  AssemblyConfig cfg;
  std::vector<IndelAllele> alleles;
  const RealignStats st = realign_reads(b, ref, 0, cfg, 10, &alleles);
  CHECK(st.windows == 1);
  CHECK(st.with_alts == 1);
  CHECK(st.reads_realigned > 0);

  REQUIRE(b.size() == before.size());
  CHECK(std::is_sorted(b.pos.begin(), b.pos.end()));
  CHECK(b.bases.size() == before.bases.size());
  size_t spanning_with_ins = 0;
  for (size_t r = 0; r < b.size(); ++r) {
    const std::string c = cigar_string(b.cigar.data() + b.cigar_offset[r], b.cigar_offset[r + 1] - b.cigar_offset[r]);
    if (c.find('I') == std::string::npos) continue;
    spanning_with_ins += std::count(spanning.begin(), spanning.end(), b.name_hash[r]);
    // Leftmost: the insertion follows the C before the repeat.
    CHECK(c == std::to_string(kRepeat - b.pos[r]) + "M8I" + std::to_string(kReadLen - (kRepeat - b.pos[r]) - 8) + "M");
    CHECK(b.end[r] == b.pos[r] + kReadLen - 8);
  }
  CHECK(spanning_with_ins == spanning.size());

  // The assembled allele, anchored at the C, is reported with its support.
  bool found = false;
  for (const auto& a : alleles)
    if (a.pos == kRepeat - 1 && a.length == 8 && a.inserted == kIns) found = a.count >= int(spanning.size()) / 2;
  CHECK(found);

  // Same input, same output; off means untouched.
  ReadBatch again = before;
  realign_reads(again, ref, 0, cfg, 10);
  CHECK(again.cigar == b.cigar);
  CHECK(again.pos == b.pos);
  cfg.enabled = false;
  ReadBatch off = before;
  realign_reads(off, ref, 0, cfg, 10);
  CHECK(off.cigar == before.cigar);
}

TEST_CASE("assembly: reads from the reference haplotype keep their alignments") {
  const std::string ref = make_ref();
  std::vector<uint64_t> spanning;
  ReadBatch b = make_batch(ref, &spanning);
  const ReadBatch before = b;
  realign_reads(b, ref, 0, AssemblyConfig{}, 10);
  // Ref reads were all-M at their true place; each must still be somewhere
  // in the batch with the same start and CIGAR.
  int ref_reads = 0, kept = 0;
  for (size_t r = 0; r < before.size(); ++r) {
    if (before.cigar_offset[r + 1] - before.cigar_offset[r] != 1) continue;
    const std::string seq(before.bases.begin() + before.seq_offset[r], before.bases.begin() + before.seq_offset[r + 1]);
    bool is_ref = true;
    for (size_t i = 0; i < seq.size(); ++i) is_ref &= base_char(uint8_t(seq[i])) == ref[before.pos[r] + i];
    if (!is_ref) continue;
    ++ref_reads;
    for (size_t q = 0; q < b.size(); ++q)
      if (b.pos[q] == before.pos[r] && b.cigar[b.cigar_offset[q]] == before.cigar[before.cigar_offset[r]] &&
          std::equal(b.bases.begin() + b.seq_offset[q], b.bases.begin() + b.seq_offset[q + 1], seq.begin())) {
        ++kept;
        break;
      }
  }
  CHECK(ref_reads > 20);
  CHECK(kept == ref_reads);
}
