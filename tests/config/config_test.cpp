#include <htslib/sam.h>

#include <doctest/doctest.h>

#include <yaml-cpp/yaml.h>

#include "dvhpc/config.hpp"
#include "dvhpc/error.hpp"
#include "test_util.hpp"

using namespace dvhpc;

namespace {
// Expects load_config to fail with `kind` and a message containing every needle.
void expect_error(const std::string& cmd, const std::string& path, const std::vector<std::string>& sets,
                  ErrorKind kind, const std::vector<std::string>& needles) {
  try {
    load_config(cmd, path, sets);
    FAIL("expected a config error");
  } catch (const Error& e) {
    CHECK(static_cast<int>(e.kind()) == static_cast<int>(kind));
    for (const auto& n : needles) {
      CAPTURE(e.what());
      CHECK(std::string(e.what()).find(n) != std::string::npos);
    }
  }
}
}  // namespace

TEST_CASE("defaults match DeepVariant's very-sensitive caller") {
  Config c = load_config("version", "", {});
  CHECK(c.filters.min_mapq == 5);
  CHECK(c.candidates.min_count == 2);
  CHECK(c.assembly.enabled);
  CHECK(c.assembly.min_edge_weight == 2);
  CHECK(c.candidates.snp_min_fraction == doctest::Approx(0.12));
  CHECK(c.candidates.indel_min_fraction == doctest::Approx(0.06));
  CHECK(c.partition.shard_size == 1000000);
  CHECK(c.pileup.width == 221);
}

TEST_CASE("order: defaults, preset, user keys, --set overrides") {
  test::TempDir d;
  auto cfg = d.write("c.yaml",
                     "preset: demo\npartition:\n  margin: 7\nthreads: 3\nregions: [\"chr1:1-100\", chr2]\n"
                     "reads: x.bam\ncontig_aliases: {\"20\": chr20}\n");
  Config c = load_config("version", cfg, {"threads=5", "candidates.snp_min_fraction=0.2"});
  CHECK(c.preset == "demo");
  CHECK(c.partition.shard_size == 100000);  // from the preset
  CHECK(c.partition.margin == 7);           // user beats preset
  CHECK(c.threads == 5);                    // --set beats user
  CHECK(c.candidates.snp_min_fraction == doctest::Approx(0.2));
  REQUIRE(c.regions.size() == 2);
  CHECK(c.regions[0] == Region{"chr1", 0, 100});
  CHECK(c.regions[1].whole_contig());
  REQUIRE(c.reads.size() == 1);  // a scalar is accepted where a list is expected
  CHECK(c.contig_aliases.at("20") == "chr20");

  // --set preset=... picks the preset even when the file names another.
  Config f = load_config("version", cfg, {"preset=fast"});
  CHECK(f.model.cnn_gq_threshold == 0.0);
  CHECK(f.partition.shard_size == 1000000);
}

TEST_CASE("a BED path in regions: is kept as a path") {
  test::TempDir d;
  auto cfg = d.write("c.yaml", "regions: /data/conf.bed\n");
  Config c = load_config("version", cfg, {});
  CHECK(c.regions_bed == "/data/conf.bed");
  CHECK(c.regions.empty());
}

TEST_CASE("errors name the key path and give a hint") {
  test::TempDir d;
  expect_error("version", d.write("a.yaml", "reads: [a.bam\n"), {}, ErrorKind::Config,
               {"a.yaml:2", "YAML syntax error"});
  expect_error("version", d.write("b.yaml", "filters:\n  min_mapqq: 3\n"), {}, ErrorKind::Config,
               {"b.yaml:2:3", "unknown key 'filters.min_mapqq'", "did you mean 'filters.min_mapq'"});
  expect_error("version", d.write("c.yaml", "min_mapq: 3\n"), {}, ErrorKind::Config,
               {"did you mean 'filters.min_mapq'"});
  expect_error("version", d.write("d.yaml", "threads: two\n"), {}, ErrorKind::Config,
               {"key 'threads' expects integer", "'two'"});
  expect_error("version", d.write("e.yaml", "filters: 5\n"), {}, ErrorKind::Config,
               {"section 'filters' must be a mapping"});
  expect_error("version", d.write("f.yaml", "regions: [\"chr1:9-3\"]\n"), {}, ErrorKind::Config,
               {"key 'regions'", "malformed region 'chr1:9-3'"});
  expect_error("version", d.write("g.yaml", "candidates: {snp_min_fraction: 1.5}\n"), {},
               ErrorKind::Config, {"candidates.snp_min_fraction", "outside"});
  expect_error("version", d.write("h.yaml", "- a\n- b\n"), {}, ErrorKind::Config, {"mapping"});
  expect_error("version", "", {"nokey"}, ErrorKind::Config, {"expected key=value"});
  expect_error("version", "", {"filters.min_mapq=[1,2]"}, ErrorKind::Config, {"filters.min_mapq"});
  expect_error("version", "", {"preset=turbo"}, ErrorKind::Config, {"unknown preset 'turbo'", "demo"});
  expect_error("version", d.file("absent.yaml"), {}, ErrorKind::Input, {"absent.yaml"});
  expect_error("version", "", {"model.device=tpu"}, ErrorKind::Config, {"model.device"});
  expect_error("version", "", {"assembly.k_min=40", "assembly.k_max=20"}, ErrorKind::Config, {"assembly.k_min"});
  expect_error("version", "", {"assembly.max_window=5"}, ErrorKind::Config, {"assembly.max_window"});
  expect_error("version", "", {"assembly.k_max=65"}, ErrorKind::Config, {"k_max <= 64"});
  expect_error("version", d.write("i.yaml", "assembly:\n  min_event: 3\n"), {}, ErrorKind::Config,
               {"unknown key 'assembly.min_event'", "did you mean 'assembly.min_events'"});
  // A list or a mapping as a key (YAML's `? `): found by the config fuzz target, once a crash.
  expect_error("version", d.write("j.yaml", "? - a\n: 1\n"), {}, ErrorKind::Config,
               {"j.yaml:1", "a key must be a plain name, not a list"});
  expect_error("version", d.write("k.yaml", "filters:\n  ? {a: 1}\n  : 2\n"), {}, ErrorKind::Config,
               {"not a mapping", "in section 'filters'"});
}

TEST_CASE("call validates inputs: reference index, reads, BAM index, output directory") {
  test::TempDir d;
  auto ref = d.write("ref.fa", ">chr1\nACGT\n");
  // A real (empty) BAM: validation reads its format and @HD sort order.
  const std::string bam = d.file("r.bam");
  {
    const std::string header = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:4\n";
    sam_hdr_t* h = sam_hdr_parse(header.size(), header.c_str());
    samFile* f = sam_open(bam.c_str(), "wb");
    REQUIRE((h && f && sam_hdr_write(f, h) == 0));
    sam_hdr_destroy(h);
    REQUIRE(sam_close(f) == 0);
  }
  const std::string text = d.write("text.bam", "not really a bam");
  expect_error("call", "", {}, ErrorKind::Config, {"'reference'", "required"});
  expect_error("call", "", {"reference=" + ref}, ErrorKind::Input, {"samtools faidx"});
  d.write("ref.fa.fai", "chr1\t4\t6\t4\t5\n");
  expect_error("call", "", {"reference=" + ref}, ErrorKind::Config, {"'reads'", "required"});
  expect_error("call", "", {"reference=" + ref, "reads=" + d.file("missing.bam")}, ErrorKind::Input,
               {"missing.bam", "does not exist"});
  expect_error("call", "", {"reference=" + ref, "reads=" + text}, ErrorKind::Input,
               {"text.bam", "is not a BAM or CRAM file"});
  expect_error("call", "", {"reference=" + ref, "reads=" + bam}, ErrorKind::Input,
               {"no index", "samtools index"});
  d.write("r.bam.bai", "");
  expect_error("call", "", {"reference=" + ref, "reads=" + bam, "output=" + d.file("nodir/out")},
               ErrorKind::Output, {"nodir", "does not exist"});
  Config ok = load_config("call", "", {"reference=" + ref, "reads=" + bam, "output=" + d.file("out")});
  CHECK(ok.reads.size() == 1);
}

TEST_CASE("to_yaml round-trips through load_config") {
  test::TempDir d;
  Config a = load_config("version", "", {"threads=7", "regions=[\"chr2:5-10\"]", "sample=NA1"});
  auto path = d.write("rt.yaml", a.to_yaml());
  Config b = load_config("version", path, {});
  CHECK(b.threads == 7);
  CHECK(b.sample == "NA1");
  REQUIRE(b.regions.size() == 1);
  CHECK(b.regions[0] == a.regions[0]);
  CHECK(b.to_yaml() == a.to_yaml());
  CHECK(config_reference().find("filters.min_mapq") != std::string::npos);
}
