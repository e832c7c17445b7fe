#include <doctest/doctest.h>

#include "dvhpc/contigs.hpp"
#include "dvhpc/error.hpp"

using namespace dvhpc;

namespace {
const std::vector<ContigInfo> kRef = {{"chr19", 500}, {"chr20", 1000}, {"chrM", 16}};

std::string error_of(const std::vector<ContigInfo>& reads, const std::map<std::string, std::string>& aliases,
                     bool auto_chr) {
  try {
    match_contigs(reads, kRef, aliases, auto_chr, "x.bam", "ref.fa");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Input);
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("contigs: identical names match, extra reads contigs are ignored") {
  auto m = match_contigs({{"chr1", 9}, {"chr20", 1000}}, kRef, {}, false, "x.bam", "ref.fa");
  CHECK(m.reads_tid("chr20") == 1);
  CHECK(m.reads_tid("chr19") == -1);
  CHECK(m.reference_name(0).empty());
  CHECK(m.reference_name(1) == "chr20");
}

TEST_CASE("contigs: chr20 vs 20 is an error naming both spellings and the config keys") {
  const std::string msg = error_of({{"20", 1000}}, {}, false);
  CHECK(msg.find("'20'") != std::string::npos);
  CHECK(msg.find("'chr20'") != std::string::npos);
  CHECK(msg.find("auto_chr_prefix") != std::string::npos);
  CHECK(msg.find("contig_aliases") != std::string::npos);
  CHECK(msg.find("x.bam") != std::string::npos);
}

TEST_CASE("contigs: auto_chr_prefix and contig_aliases fix the mismatch") {
  auto a = match_contigs({{"20", 1000}, {"MT", 16}}, kRef, {}, true, "x.bam", "ref.fa");
  CHECK(a.reads_tid("chr20") == 0);
  CHECK(a.reads_tid("chrM") == 1);
  auto b = match_contigs({{"20", 1000}, {"nineteen", 500}}, kRef, {{"20", "chr20"}, {"nineteen", "chr19"}}, false,
                         "x.bam", "ref.fa");
  CHECK(b.reads_tid("chr20") == 0);
  CHECK(b.reads_tid("chr19") == 1);
  // The reverse direction: reads say chr20, reference says 20.
  auto c = match_contigs({{"chr7", 5}}, {{"7", 5}}, {}, true, "x.bam", "ref.fa");
  CHECK(c.reads_tid("7") == 0);
  CHECK(toggle_chr_prefix("chr20") == "20");
  CHECK(toggle_chr_prefix("X") == "chrX");
}

TEST_CASE("contigs: length mismatch, bad alias and nothing shared are errors") {
  CHECK(error_of({{"chr20", 999}}, {}, false).find("length") != std::string::npos);
  CHECK(error_of({{"20", 1000}}, {{"20", "chr21"}}, false).find("chr21") != std::string::npos);
  CHECK(error_of({{"chrZ", 10}}, {}, true).find("share no contig") != std::string::npos);
}
