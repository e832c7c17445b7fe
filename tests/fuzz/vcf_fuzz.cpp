// libFuzzer target: VCF text as every reader of dvhpc takes it.
//   * eval: the truth side (left-aligned against a reference, inside a BED)
//     and the calls side (FILTER split, no reference), load_variants();
//   * make-examples' truth labels: TruthSet, then a label query per record;
//   * joint: the input bgzipped and tabix-indexed as one sample's gVCF,
//     fetched per contig through GvcfReader and joint-genotyped as a cohort
//     of two samples (the same records twice), each site written as a record;
//   * pca / gp: the genotype matrix of a VCF (read_genotype_vcf, one rank).
// Any input must be read or rejected with dvhpc::Error; a crash, a hang, a
// sanitizer report or a wrong-but-accepted record (a position outside its
// contig, an allele index past the record's alleles) is a bug.
// Run: scripts/fuzz.sh (builds with clang, runs every target).
#include <htslib/bgzf.h>
#include <htslib/faidx.h>
#include <htslib/hts.h>
#include <htslib/tbx.h>
#include <mpi.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/normalize.hpp"
#include "dvhpc/reference.hpp"
#include "src/eval/variant_set.hpp"
#include "src/genotypes/genotype_io_detail.hpp"
#include "src/joint/joint_genotyper.hpp"
#include "tests/fuzz/fuzz_util.hpp"
#include "tests/fuzz/vcf_fuzz_labels.hpp"

using namespace dvhpc;

namespace {

// A small reference with repeats (so indels left-align over several bases),
// lower case and Ns; the seeds in corpus/vcf/ use its contigs.
const char kChr1[] =
    "GATTACAGATTACACACACACACAGGGTTTAAACCCGGGAAATTTCCCAAAAAAAAAAGTCGATCGATCGTAGCTAGCTAGGCTA"
    "acgtacgtacgtCAGCAGCAGCAGCAGTTTTTTTTTTGACTGACTGANNNNNNNNNNACGTTGCAAGCTTGGCCAATTGGCCAAT"
    "TTAGGCATCGATCGGGCCCGGGAAATATATATATATATGCGCGCAATCGAAAAACCCCCGGGGGTTTTTATATCGCGATCGAT";
const char kChr2[] = "CCCCCCCCCCAAAAAAAAAAGGGGGGGGGGTTTTTTTTTTACACACACACGTGTGTGTGTCATCATCATC";

struct Fixture {
  std::string fasta, bed;
  Reference* ref = nullptr;
  eval_detail::IntervalSet* conf = nullptr;
  Comm* comm = nullptr;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.fasta = fuzz::scratch_file("ref.fa");
    x.bed = fuzz::scratch_file("conf.bed");
    if (!fuzz::write_file(x.fasta, std::string(">chr1\n") + kChr1 + "\n>chr2\n" + kChr2 + "\n") ||
        fai_build(x.fasta.c_str()) != 0 || !fuzz::write_file(x.bed, "chr1\t0\t200\nchr1\t210\t250\nchr2\t5\t60\n"))
      std::abort();
    x.ref = new Reference(x.fasta);  // process lifetime: libFuzzer never returns
    x.conf = new eval_detail::IntervalSet(x.bed);
    x.comm = new Comm(Comm::world());
    return x;
  }();
  return f;
}

void eval_sides(const std::string& vcf) {
  const Fixture& f = fixture();
  try {
    AlleleNormalizer norm(f.ref);
    (void)eval_detail::load_variants(vcf, "truth VCF", false, norm, f.ref, f.conf);
  } catch (const Error&) {
  }
  try {
    AlleleNormalizer norm(nullptr);
    (void)eval_detail::load_variants(vcf, "calls VCF", true, norm, nullptr, nullptr);
  } catch (const Error&) {
  }
}

void joint(const std::string& text) {
  const std::string gz = fuzz::scratch_file("sample.g.vcf.gz");
  BGZF* out = bgzf_open(gz.c_str(), "w");
  if (!out) return;
  const bool written = bgzf_write(out, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (bgzf_close(out) != 0 || !written) return;
  // Only what tabix indexes reaches joint (it refuses files without .tbi).
  if (tbx_index_build(gz.c_str(), 0, &tbx_conf_vcf) != 0) return;
  try {
    GvcfReader reader(gz);
    for (const auto& [name, length] : reader.contigs()) (void)name, (void)length;
    for (const auto& c : fixture().ref->contigs()) {
      const Region region{c.name, 0, c.length};
      std::vector<SampleRecords> cohort;
      cohort.push_back(reader.fetch(region));
      cohort.push_back(reader.fetch(region));
      joint_genotype(region, cohort, [](const JointSite& s) { (void)joint_vcf_record(s); });
    }
  } catch (const Error&) {
  }
}

void genotype_matrix(const std::string& vcf) {
  try {
    GenotypeReadStats stats;
    (void)detail::read_genotype_vcf(*fixture().comm, vcf, &stats);
  } catch (const Error&) {
  }
}

}  // namespace

// htslib allocates the record size a BCF record declares (two 32-bit
// lengths, up to 8 GiB) before it reads the record, and fails on the short
// read after. Under ASan such an allocation costs seconds (its shadow is
// written on free) and trips libFuzzer's malloc limit, though it is only
// address space. A cap makes malloc return NULL instead, which htslib
// reports as an error like any other; C++ `new` past the cap still crashes.
extern "C" const char* __asan_default_options() {
  return "allocator_may_return_null=1:max_allocation_size_mb=256";
}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::init_mpi(argc, argv);
  hts_set_log_level(HTS_LOG_OFF);  // htslib's warnings on broken input would flood the log
  log::init(0, "off");
  (void)fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string vcf = fuzz::scratch_file("in.vcf");
  if (!fuzz::write_file(vcf, text)) return 0;
  eval_sides(vcf);
  fuzz::truth_labels(vcf, fixture().bed, *fixture().ref);
  genotype_matrix(vcf);
  joint(text);
  return 0;
}
