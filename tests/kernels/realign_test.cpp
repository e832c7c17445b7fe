// Realignment at indel sites (kernels/realign.hpp): the pieces on host
// Views, then the effect on the support channel of the count features when
// the aligner placed or spelled the same deletion in different ways, on
// each execution space of the build (exec_spaces.hpp; on the device the
// features, images and read support must equal the host's).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dvhpc/example_query.hpp"
#include "dvhpc/pileup_features.hpp"
#include "kernels/pileup_builder.hpp"
#include "exec_spaces.hpp"
#include "kernels/realign.hpp"
#include "read_batch_util.hpp"

using namespace dvhpc;
using namespace dvhpc::kernels;
using dvhpc::test::add_read;

namespace {

template <class T>
Kokkos::View<T*, Kokkos::HostSpace> host_view(const std::vector<T>& v) {
  Kokkos::View<T*, Kokkos::HostSpace> out("v", v.size());
  for (size_t i = 0; i < v.size(); ++i) out(i) = v[i];
  return out;
}

ReadViews<Kokkos::HostSpace> views(const ReadBatch& b) {
  ReadViews<Kokkos::HostSpace> r;
  r.pos = host_view(b.pos);
  r.cigar_offset = host_view(b.cigar_offset);
  r.cigar = host_view(b.cigar);
  r.seq_offset = host_view(b.seq_offset);
  r.bases = host_view(b.bases);
  r.quals = host_view(b.quals);
  r.reverse = host_view(b.reverse);
  return r;
}

//                        0         1         2         3         4
//                        0123456789012345678901234567890123456789012345
const std::string kRef = "GATCCGTAGCTTCAGGCATAAAAAAAACGTGACCTGATCGGCTAAC";
// A deletion of one A of the 8-A run (positions 19-26), left-normalised: anchor 18 (T).
const std::string kAlt = kRef.substr(0, 20) + kRef.substr(21);

// PileupBuilder over the whole of `ref` (contig "t") on Exec; on the device
// also on the host, whose features, images and support must be the same.
template <class Exec>
void build_on(const ReadBatch& b, const std::string& ref, const std::vector<Candidate>& sites,
              std::vector<float>& features, std::vector<ExampleSupport>* support = nullptr) {
  const PileupConfig pc;
  const Region win{"t", 0, int64_t(ref.size())};
  std::vector<uint8_t> images;
  PileupBuilder(pc, 10).build_on<Exec>(b, win, ref, sites, example_queries(sites), images, features, true, support);
  if constexpr (dvhpc::test::on_device<Exec>) {
    std::vector<uint8_t> host_images;
    std::vector<float> host_features;
    std::vector<ExampleSupport> host_support;
    PileupBuilder(pc, 10).build_on<HostExecSpace>(b, win, ref, sites, example_queries(sites), host_images,
                                                  host_features, true, support ? &host_support : nullptr);
    CHECK(images == host_images);
    CHECK(features == host_features);
    if (support) {
      REQUIRE(support->size() == host_support.size());
      for (size_t i = 0; i < host_support.size(); ++i) {
        const ExampleSupport &d = (*support)[i], &h = host_support[i];
        CHECK((d.ref == h.ref && d.alt == h.alt && d.other_alt == h.other_alt && d.realigned == h.realigned));
      }
    }
  }
}

}  // namespace

TEST_CASE("realign: read bases in a window, soft clips and insertions included") {
  ReadBatch b;
  add_read(b, 5, "3S10M", "TTTCGTAGCTTCA");           // clipped bases sit at 2..4
  add_read(b, 0, "5M2I5M", "GATCCAAGTAGC");           // insertion before position 5
  const auto r = views(b);
  uint64_t qb = 0, qe = 0;
  read_bases_in(r, 0, 3, 8, qb, qe);
  CHECK(qb == 1);  // virtual positions 3, 4 (clip), then 5, 6, 7
  CHECK(qe == 6);
  read_bases_in(r, 1, 4, 7, qb, qe);
  CHECK(qb - b.seq_offset[1] == 4);  // base at 4, the 2 inserted bases, bases at 5, 6
  CHECK(qe - b.seq_offset[1] == 9);
  read_bases_in(r, 1, 40, 45, qb, qe);
  CHECK(qb == qe);
}

// Base codes of a host array, as build_haplotype reads them. Annotated like
// the kernels' accessors: build_haplotype is a host-device template, and the
// CUDA build rejects a host-only callable in it (#20013,
// cmake/DvhpcKokkosCuda.cmake), so these are not plain lambdas.
struct Codes {
  const uint8_t* codes;
  int64_t n;
  KOKKOS_INLINE_FUNCTION int operator()(int64_t p) const { return p >= 0 && p < n ? int(codes[p]) : -1; }
};

TEST_CASE("realign: haplotypes and alignment costs") {
  std::vector<uint8_t> ref_codes;
  for (char c : kRef) ref_codes.push_back(base_code(c));
  const Codes refc{ref_codes.data(), int64_t(ref_codes.size())};
  const std::vector<uint8_t> ins{base_code('A'), base_code('C')};
  const Codes seq{ins.data(), int64_t(ins.size())};
  uint8_t hap[kMaxHaplotype];
  std::string got;
  auto text = [&](int n) { std::string s; for (int j = 0; j < n; ++j) s += "ACGTN"[hap[j]]; return s; };
  CHECK(text(build_haplotype(refc, 15, 32, -1, 0, 0, seq, hap)) == kRef.substr(15, 17));
  CHECK(text(build_haplotype(refc, 15, 32, 2, 18, 1, seq, hap)) == kAlt.substr(15, 16));
  CHECK(text(build_haplotype(refc, 15, 32, 1, 18, 2, seq, hap)) == "GCATACAAAAAAAACGTGA");
  CHECK(text(build_haplotype(refc, 15, 32, 0, 16, 1, seq, hap)) == "GAATAAAAAAAACGTGA");
  CHECK(build_haplotype(refc, 15, 32, 2, 30, 5, seq, hap) == -1);  // deletion runs out of the window

  ReadBatch b;
  add_read(b, 14, "25M", kAlt.substr(14, 25));             // spans the run, carries the deletion
  add_read(b, 8, "16M", kRef.substr(8, 16));                 // ends inside the run
  add_read(b, 14, "12M1X12M", kRef.substr(14, 12) + "G" + kRef.substr(27, 12));  // one mismatch
  const auto r = views(b);
  auto cost = [&](int64_t read, int type) {
    uint64_t qb = 0, qe = 0;
    read_bases_in(r, read, 7, 40, qb, qe);
    const int n = build_haplotype(refc, 7, 40, type, 18, 1, seq, hap);
    return align_cost(r, qb, qe, hap, n);
  };
  CHECK(cost(0, 2) == 0);
  CHECK(cost(0, -1) == kGapOpen + kGapExtend);
  CHECK(cost(1, -1) == 0);
  CHECK(cost(1, 2) == 0);  // cannot tell
  CHECK(cost(2, -1) == 30);
}

TEST_CASE_TEMPLATE("realign: support counts reads whatever the aligner made of the deletion", Exec,
                   DVHPC_TEST_EXEC_SPACES) {
  ReadBatch b;
  const std::string alt = kAlt;
  add_read(b, 2, "17M1D20M", alt.substr(2, 37));            // deletion after the anchor
  add_read(b, 3, "23M1D14M", alt.substr(3, 37));            // the same deletion placed at the run's right end
  add_read(b, 4, "24M", alt.substr(4, 24));                 // no CIGAR indel, spelled with mismatches at the end
  add_read(b, 5, "17M14S", alt.substr(5, 31));              // clipped just after the anchor
  add_read(b, 6, "18M", kRef.substr(6, 18));                // ends inside the run: uninformative
  add_read(b, 7, "30M", kRef.substr(7, 30));                // reference
  Candidate site;
  site.contig = "t";
  site.pos = 18;
  site.ref = "TA";
  site.alts = {"T"};
  site.alt_counts = {1};
  const std::vector<Candidate> sites{site};
  PileupConfig pc;
  std::vector<float> features;
  std::vector<ExampleSupport> support;
  build_on<Exec>(b, kRef, sites, features, &support);
  const int F = pc.feature_window;
  auto ft = [&](int pos, int c) { return features[size_t(pos) * kNumFeatureChannels + c]; };
  // 6 reads overlap POS; 4 carry the deletion (the CIGAR shows it in only one).
  CHECK(ft(F / 2, kFeatFwdAlt) == doctest::Approx(4.0 / 6.0));
  CHECK(ft(F / 2, kFeatFwdOtherAlt) == 0.0f);
  // AD from realignment: the read ending inside the run counts for neither.
  REQUIRE(support.size() == 1);
  CHECK(support[0].realigned);
  CHECK(support[0].alt == 4);
  CHECK(support[0].ref == 1);
  CHECK(support[0].other_alt == 0);
}

TEST_CASE_TEMPLATE("realign: deleting one copy of a 10 bp tandem repeat", Exec, DVHPC_TEST_EXEC_SPACES) {
  // Anchor 40, then three copies of a 10-mer; the deletion removes one. A
  // window that stops 12 bases after the deletion would see reads with the
  // deletion match the reference (the second copy looks like the first).
  const std::string unit = "AAAACTATGC";
  const std::string ref = "TGCATCGGATCCTAGGCTAACGTTAGCCATGACGTAGCTGT" + unit + unit + unit +
                          "CAGTTCAGGATCGATCGGCATTACGAGCTAGCATCGGACTTAG";
  const std::string alt = ref.substr(0, 41) + ref.substr(51);
  ReadBatch b;
  add_read(b, 5, "36M10D30M", alt.substr(5, 66));
  add_read(b, 10, "31M10D30M", alt.substr(10, 61));
  add_read(b, 12, "60M", ref.substr(12, 60));
  Candidate site;
  site.contig = "t";
  site.pos = 40;
  site.ref = ref.substr(40, 11);
  site.alts = {ref.substr(40, 1)};
  site.alt_counts = {2};
  const std::vector<Candidate> sites{site};
  PileupConfig pc;
  std::vector<float> features;
  build_on<Exec>(b, ref, sites, features);
  const int F = pc.feature_window;
  CHECK(features[size_t(F / 2) * kNumFeatureChannels + kFeatFwdAlt] == doctest::Approx(2.0 / 3.0));
}
