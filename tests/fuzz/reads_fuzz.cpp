// libFuzzer target: aligned reads as `call` and `make-examples` load and
// count them. The input is SAM text (header lines, then records); it is
// parsed with htslib (sam_hdr_parse, sam_parse1), written as a
// coordinate-sorted, indexed BAM, and read back through ReadLoader with the
// default filters; each contig's reads are then counted by the allele
// counting kernel on the host (OpenMP backend) over the whole contig and
// over a window that reads stick out of, and candidates are selected.
// Records htslib refuses are dropped (htslib's parser is not under test;
// what it lets through is). Any input must be counted or rejected with
// dvhpc::Error; a crash, a hang or a sanitizer report is a bug, and so is a
// count that the reads cannot have produced (more alleles at a position
// than reads loaded).
// Run: scripts/fuzz.sh (builds with clang, runs every target).
#include <htslib/faidx.h>
#include <htslib/hts.h>
#include <htslib/sam.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dvhpc/contigs.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/reads.hpp"
#include "dvhpc/reference.hpp"
#include "kernels/allele_counter.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace dvhpc;

namespace {

// The reference of the seeds in corpus/reads/ (their @SQ lines match it).
const char kChr1[] =
    "ACGTTCCGTAAGGCTAGCTAACGTACGTTTGACCAGTACCAGTAAAAAAAAAACACACACACAGGGTTTAAACCCNNNNNGGGAAAT"
    "TTCCCGATCGATCGTAGCTAGCTAGGCTAacgtacgtCAGCAGCAGCAGTTTTTTTTTGACTGACTGAGGCCAATTGGCCAATTTAG";
const char kChr2[] = "GGGGGGGGGGCCCCCCCCCCATATATATATATGCGCGCGCAATCGAAAAACCCCC";

const Reference& reference() {
  static const Reference* ref = [] {
    const std::string fa = fuzz::scratch_file("ref.fa");
    if (!fuzz::write_file(fa, std::string(">chr1\n") + kChr1 + "\n>chr2\n" + kChr2 + "\n") ||
        fai_build(fa.c_str()) != 0)
      std::abort();
    return new Reference(fa);  // process lifetime: libFuzzer never returns
  }();
  return *ref;
}

// The input as a sorted, indexed BAM at `path`; false when htslib takes no
// header from it or the BAM cannot be written.
bool write_bam(const std::string& text, const std::string& path) {
  std::string header;
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(at, nl - at);
    at = nl + 1;
    if (!line.empty() && line[0] == '@')
      header += line + '\n';
    else if (!line.empty())
      lines.push_back(std::move(line));
  }
  sam_hdr_t* hdr = sam_hdr_parse(header.size(), header.c_str());
  if (!hdr) return false;
  std::vector<bam1_t*> recs;
  kstring_t ks = KS_INITIALIZE;
  for (const auto& l : lines) {
    ks.l = 0;
    kputsn(l.data(), l.size(), &ks);
    bam1_t* b = bam_init1();
    if (sam_parse1(&ks, hdr, b) >= 0)
      recs.push_back(b);
    else
      bam_destroy1(b);
  }
  ks_free(&ks);
  // Coordinate order (unmapped reads without a contig last), as the index needs.
  std::stable_sort(recs.begin(), recs.end(), [](const bam1_t* a, const bam1_t* b) {
    const uint32_t ta = static_cast<uint32_t>(a->core.tid), tb = static_cast<uint32_t>(b->core.tid);
    return ta != tb ? ta < tb : a->core.pos < b->core.pos;
  });
  bool ok = false;
  if (samFile* out = sam_open(path.c_str(), "wb")) {
    ok = sam_hdr_write(out, hdr) == 0;
    for (bam1_t* b : recs) ok = ok && sam_write1(out, hdr, b) >= 0;
    ok = sam_close(out) == 0 && ok;
  }
  for (bam1_t* b : recs) bam_destroy1(b);
  sam_hdr_destroy(hdr);
  return ok && sam_index_build(path.c_str(), 0) == 0;
}

void count(ReadLoader& loader, const ContigMap& map, const Region& window, AlleleCounter& counter) {
  const ReadBatch batch = loader.load(window, map);
  counter.count(batch, window, reference().fetch(window));
  const AlleleCounts counts = counter.to_host();
  const int32_t reads = static_cast<int32_t>(batch.size());
  for (int64_t p = window.begin; p < window.end; ++p)
    if (counts.allele_total(p) > reads || counts.pileup_depth(p) > reads) __builtin_trap();
  for (const Candidate& c : counter.candidates(window))
    if (c.pos < window.begin || c.pos >= window.end || c.alts.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // One thread: the reads are still cut into 8 chunks, so positions shared
  // by chunks take the atomic path; a second thread only adds wake-up
  // latency (10x fewer inputs per second on this 2-core machine), and races
  // are not what ASan finds.
  setenv("OMP_NUM_THREADS", "1", 0);
  setenv("OMP_PROC_BIND", "false", 0);
  Kokkos::initialize();  // finalised by no one: libFuzzer exits from inside its loop
  hts_set_log_level(HTS_LOG_OFF);  // htslib's warnings on broken input would flood the log
  (void)reference();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bam = fuzz::scratch_file("in.bam");
  if (!write_bam(std::string(reinterpret_cast<const char*>(data), size), bam)) return 0;
  try {
    ReadLoader loader(bam, ReadFilterConfig{});
    (void)loader.sample_name("");
    const Reference& ref = reference();
    const ContigMap map = match_contigs(loader.contigs(), ref.contigs(), {}, true, bam, ref.path());
    AlleleCounter counter(CandidateConfig{});
    for (const auto& c : ref.contigs()) {
      count(loader, map, Region{c.name, 0, c.length}, counter);
      count(loader, map, Region{c.name, c.length / 3, c.length / 3 + 17}, counter);
    }
  } catch (const Error& e) {
    if (std::getenv("DVHPC_FUZZ_VERBOSE")) std::fprintf(stderr, "rejected: %s\n", e.what());  // seed checks
  }
  return 0;
}
