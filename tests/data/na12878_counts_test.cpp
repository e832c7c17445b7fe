// Real data: NA12878 chr20:10,000,000-10,100,000 (see the data README).
//  1. Per-position counts (A,C,G,T,N per strand, deletions, depth) equal
//     samtools mpileup's over the whole 100 kb window, and so do the indel
//     alleles (anchor, length, inserted sequence).
//  2. Candidate recall: >= 99% of the truth records whose alleles have >= 3
//     supporting reads (counted by samtools) are candidates with the same
//     alleles.
// Both SKIP (with a message) when ../shared/data or samtools is missing.
#include <doctest/doctest.h>

#include <htslib/vcf.h>

#include <filesystem>
#include <set>

#include "dvhpc/reads.hpp"
#include "kernels/allele_counter.hpp"
#include "mpileup.hpp"

using namespace dvhpc;

namespace {
const std::string kDir = std::string(DVHPC_SHARED_DATA) + "/na12878_hg19_chr20_10mb_illumina";
const std::string kBam = kDir + "/NA12878_S1.chr20.10_10p1mb.bam";
const std::string kCram = kDir + "/NA12878_S1.chr20.10_10p1mb.cram";
const std::string kRef = kDir + "/ucsc.hg19.chr20.unittest.fasta.gz";
const std::string kTruth = kDir + "/test_nist.b37_chr20_100kbp_at_10mb.vcf.gz";
const Region kWindow{"chr20", 10000000, 10100000};

bool inputs_ready() {
  if (!std::filesystem::exists(kBam)) {
    MESSAGE("SKIP: shared test data not found at " << kDir << " (DVHPC_SHARED_DATA)");
    return false;
  }
  if (!dvhpc::test::have_samtools()) {
    MESSAGE("SKIP: samtools not installed (apt-get install samtools); it is the reference implementation here");
    return false;
  }
  return true;
}

struct Run {
  AlleleCounts counts;
  std::vector<Candidate> candidates;
};

Run count_window(const std::string& reads, const CandidateConfig& cfg = {}) {
  Reference ref(kRef);
  ReadLoader loader(reads, ReadFilterConfig{}, kRef);
  auto map = match_contigs(loader.contigs(), ref.contigs(), {}, false, reads, kRef);
  ReadBatch batch = loader.load(kWindow, map);
  AlleleCounter counter(cfg);
  counter.count(batch, kWindow, ref.fetch(kWindow));
  return {counter.to_host(), counter.candidates(kWindow)};
}

struct Mpileup {
  std::vector<dvhpc::test::PileupColumn> cols;
  dvhpc::test::PileupIndels indels;
};

Mpileup mpileup(const CandidateConfig& cfg = {}) {
  Mpileup m;
  const std::string cmd = dvhpc::test::mpileup_command(kBam, kRef, kWindow.to_string(), cfg.min_base_quality,
                                                       ReadFilterConfig{}.min_mapq);
  INFO("command: " << cmd);
  REQUIRE(dvhpc::test::run_mpileup(cmd, m.cols, m.indels));
  REQUIRE(m.cols.size() == static_cast<size_t>(kWindow.length()));
  return m;
}

// Compares every position and every indel allele of the window. Insertions:
// dvhpc's allele view (DeepVariant's) drops an insertion with a low-quality
// or N inserted base, samtools checks only the anchor base, so at min BQ > 0
// dvhpc may count fewer; at min BQ 0 they must agree exactly (N-containing
// insertions aside).
void compare_with_mpileup(int min_bq) {
  CandidateConfig cfg;
  cfg.min_base_quality = min_bq;
  const Run run = count_window(kBam, cfg);
  const Mpileup m = mpileup(cfg);
  const AlleleCounts& c = run.counts;
  int64_t checked = 0, total_depth = 0;
  for (const auto& col : m.cols) {
    const int64_t p = col.pos;
    std::string ours, theirs;
    for (int b = 0; b < 5; ++b) {
      ours += std::to_string(c.at(p, kFwdA + b)) + "/" + std::to_string(c.at(p, kRevA + b)) + " ";
      theirs += std::to_string(col.fwd[b]) + "/" + std::to_string(col.rev[b]) + " ";
    }
    ours += "del " + std::to_string(c.at(p, kFwdDel) + c.at(p, kRevDel)) + " depth " + std::to_string(c.pileup_depth(p));
    theirs += "del " + std::to_string(col.del) + " depth " + std::to_string(col.depth);
    if (ours != theirs) {
      FAIL_CHECK("min BQ " << min_bq << ": first differing position chr20:" << p + 1
                           << " (A C G T N fwd/rev)\n  dvhpc:    " << ours << "\n  mpileup:  " << theirs);
      break;
    }
    ++checked;
    total_depth += col.depth;
  }
  CHECK(checked == kWindow.length());
  CHECK(total_depth > 4000000);  // ~50x over 100 kb: the comparison is not vacuous
  MESSAGE("min BQ " << min_bq << ": " << checked << " positions equal, mean depth "
                    << static_cast<double>(total_depth) / static_cast<double>(checked));

  std::map<std::tuple<int64_t, int, std::string>, int> ours;
  for (const auto& a : c.indels) ours[{a.pos, a.length, a.inserted}] = a.count;
  dvhpc::test::PileupIndels theirs;
  for (const auto& [k, n] : m.indels) {
    const bool ins = std::get<1>(k) > 0;
    if (ins && std::get<2>(k).find('N') != std::string::npos) continue;
    theirs[{std::get<0>(k), std::get<1>(k), ins ? std::get<2>(k) : ""}] += n;
  }
  CHECK(theirs.size() > 100);
  size_t shown = 0, fewer_insertions = 0;
  for (const auto& [k, n] : theirs) {
    const auto it = ours.find(k);
    const int mine = it == ours.end() ? 0 : it->second;
    const bool ins = std::get<1>(k) > 0;
    const bool ok = (ins && min_bq > 0) ? mine <= n : mine == n;
    if (ins && mine < n) ++fewer_insertions;
    if (!ok && shown++ < 5)
      FAIL_CHECK("min BQ " << min_bq << ": indel at chr20:" << std::get<0>(k) + 1 << " len " << std::get<1>(k)
                           << " " << std::get<2>(k) << ": dvhpc " << mine << ", mpileup " << n);
  }
  for (const auto& [k, n] : ours)
    if (!theirs.count(k) && shown++ < 5)
      FAIL_CHECK("min BQ " << min_bq << ": indel at chr20:" << std::get<0>(k) + 1 << " len " << std::get<1>(k)
                           << " only in dvhpc (" << n << ")");
  MESSAGE("min BQ " << min_bq << ": " << theirs.size() << " indel alleles, " << fewer_insertions
                    << " insertions with fewer reads in dvhpc (low-quality inserted bases)");
  if (min_bq == 0) CHECK(fewer_insertions == 0);
}
}  // namespace

TEST_CASE("na12878: per-position counts and indel alleles equal samtools mpileup, min BQ 10 (default)") {
  if (!inputs_ready()) return;
  compare_with_mpileup(CandidateConfig{}.min_base_quality);
}

TEST_CASE("na12878: per-position counts and indel alleles equal samtools mpileup, min BQ 0") {
  if (!inputs_ready()) return;
  compare_with_mpileup(0);
}

TEST_CASE("na12878: CRAM gives the same counts as BAM") {
  if (!std::filesystem::exists(kCram)) {
    MESSAGE("SKIP: shared test data not found at " << kDir);
    return;
  }
  const Run a = count_window(kBam), b = count_window(kCram);
  CHECK(a.counts.counts == b.counts.counts);
  CHECK(a.counts.indels.size() == b.counts.indels.size());
  CHECK(a.candidates.size() == b.candidates.size());
}

TEST_CASE("na12878: candidates contain >= 99% of truth records with >= 3 supporting reads") {
  if (!inputs_ready()) return;
  const Run run = count_window(kBam);
  const Mpileup m = mpileup();
  std::set<std::tuple<int64_t, std::string, std::string>> cand;
  for (const auto& c : run.candidates)
    for (const auto& alt : c.alts) {
      int64_t pos = c.pos;
      std::string r = c.ref, a = alt;
      normalize_allele(pos, r, a);
      cand.insert({pos, r, a});
    }
  // Support of one normalised allele, from samtools' pileup.
  auto support = [&](int64_t pos, const std::string& r, const std::string& a) {
    if (r.size() == 1 && a.size() == 1) {
      if (pos < kWindow.begin || pos >= kWindow.end) return 0;
      const auto& col = m.cols[static_cast<size_t>(pos - kWindow.begin)];
      const int b = dvhpc::test::code_of(a[0]);
      return col.fwd[b] + col.rev[b];
    }
    if (r.size() == 1) return m.indels.count({pos, static_cast<int>(a.size()) - 1, a.substr(1)})
                                  ? m.indels.at({pos, static_cast<int>(a.size()) - 1, a.substr(1)}) : 0;
    if (a.size() == 1) {
      int n = 0;  // deletions: mpileup prints the deleted reference bases
      const auto it = m.indels.find({pos, -(static_cast<int>(r.size()) - 1), r.substr(1)});
      if (it != m.indels.end()) n = it->second;
      return n;
    }
    return 0;  // complex (MNP-like) alleles are not counted by samtools either
  };

  htsFile* fp = bcf_open(kTruth.c_str(), "r");
  REQUIRE(fp);
  bcf_hdr_t* hdr = bcf_hdr_read(fp);
  bcf1_t* rec = bcf_init();
  int eligible = 0, found = 0, records = 0;
  std::vector<std::string> missed;
  while (bcf_read(fp, hdr, rec) == 0) {
    bcf_unpack(rec, BCF_UN_STR);
    if (rec->pos < kWindow.begin || rec->pos >= kWindow.end) continue;
    ++records;
    bool all_supported = true, all_found = true;
    for (int i = 1; i < rec->n_allele; ++i) {
      int64_t pos = rec->pos;
      std::string r = rec->d.allele[0], a = rec->d.allele[i];
      normalize_allele(pos, r, a);
      // A 3-base deletion "ACGT>A" normalises to itself; deletions are keyed
      // by the anchor with the deleted bases in the pileup.
      if (support(pos, r, a) < 3) all_supported = false;
      if (!cand.count({pos, r, a})) all_found = false;
    }
    if (!all_supported) continue;
    ++eligible;
    if (all_found) ++found;
    else missed.push_back(std::to_string(rec->pos + 1) + " " + rec->d.allele[0] + ">" + rec->d.allele[1]);
  }
  bcf_destroy(rec);
  bcf_hdr_destroy(hdr);
  bcf_close(fp);

  const double recall = eligible ? static_cast<double>(found) / eligible : 0;
  std::string miss_list;
  for (const auto& s : missed) miss_list += " " + s + ";";
  MESSAGE("truth records " << records << ", with >= 3 supporting reads " << eligible << ", found " << found
                           << " (recall " << recall << "); missed:" << miss_list);
  MESSAGE("candidates: " << run.candidates.size() << " = " << run.candidates.size() / 100.0 << " per kb");
  CHECK(records == 221);
  CHECK(eligible >= 200);
  CHECK(recall >= 0.99);
}
