// The in-memory BGZF blocks of VcfFormat/VcfWriter are byte for byte what
// htslib's own VCF writer produces (hts_open "wz", bcf_write, bgzf_flush per
// shard): the property that lets ranks compress their own shards.
#include <doctest/doctest.h>
#include <htslib/bgzf.h>
#include <htslib/vcf.h>

#include <fstream>
#include <sstream>

#include "dvhpc/bgzf_blocks.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/vcf_writer.hpp"
#include "test_util.hpp"

using namespace dvhpc;
using dvhpc::test::slurp;
using dvhpc::test::TempDir;

namespace {
// Two shards: many short records (several blocks each) and one record longer than a block.
std::vector<std::string> shard_texts() {
  std::string a, b;
  for (int i = 0; i < 3000; ++i)
    a += "c1\t" + std::to_string(100 + i * 7) + "\t.\tA\tG\t" + std::to_string(i % 97) + ".5\tPASS\tDP=" +
         std::to_string(i) + "\tGT:DP\t0/1:" + std::to_string(i % 50) + "\n";
  b = "c1\t30000\t.\tA\t" + std::string(70000, 'C') + "\t50\tPASS\tDP=3\tGT:DP\t1/1:3\n";
  b += "c1\t40000\t.\tT\tTA\t12\tPASS\tDP=9\tGT:DP\t0/1:9\n";
  return {a, b, ""};
}
}  // namespace

TEST_CASE("VcfWriter bytes equal htslib's writer, block for block") {
  TempDir d;
  const std::vector<std::string> header = {"##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">",
                                           "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
                                           "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">"};
  const std::vector<VcfContig> contigs = {{"c1", 100000}};
  VcfWriter ours(d.file("ours.vcf.gz"), header, contigs, {"S1"});
  for (const auto& t : shard_texts()) ours.write_block(t);
  ours.finish();
  CHECK(ours.records() == 3002);

  // The same through htslib alone.
  bcf_hdr_t* h = bcf_hdr_init("w");
  for (const auto& c : contigs) bcf_hdr_append(h, ("##contig=<ID=" + c.name + ",length=100000>").c_str());
  for (const auto& l : header) bcf_hdr_append(h, l.c_str());
  REQUIRE(bcf_hdr_add_sample(h, "S1") == 0);
  REQUIRE(bcf_hdr_sync(h) == 0);
  htsFile* fp = hts_open(d.file("hts.vcf.gz").c_str(), "wz");
  REQUIRE(bcf_hdr_write(fp, h) == 0);
  REQUIRE(bgzf_flush(fp->fp.bgzf) == 0);
  bcf1_t* rec = bcf_init();
  for (const auto& t : shard_texts()) {
    std::istringstream in(t);
    for (std::string line; std::getline(in, line);) {
      kstring_t k = {0, 0, nullptr};
      kputs(line.c_str(), &k);
      REQUIRE(vcf_parse(&k, h, rec) == 0);
      REQUIRE(bcf_write(fp, h, rec) == 0);
      free(k.s);
    }
    REQUIRE(bgzf_flush(fp->fp.bgzf) == 0);
  }
  REQUIRE(hts_close(fp) == 0);
  bcf_destroy(rec);
  bcf_hdr_destroy(h);
  const std::string a = slurp(d.file("ours.vcf.gz")), b = slurp(d.file("hts.vcf.gz"));
  CHECK(a.size() > 10000);  // several blocks: ~200 kB of text
  CHECK(a == b);
}

TEST_CASE("BgzfBlocks cuts a block before a record that would not fit") {
  BgzfBlocks one, two;
  const std::string rec(40000, 'x');
  one.add_record(rec);
  one.add_record(rec);  // 80000 > one block: must start a second block
  one.flush();
  two.add_raw(rec + rec);  // raw bytes fill the first block completely
  two.flush();
  CHECK(one.bytes() != two.bytes());
  // Both decompress to the same text.
  auto inflate = [](const std::string& z) {
    TempDir d;
    std::ofstream(d.file("x.gz"), std::ios::binary) << z << BgzfBlocks::eof_block();
    BGZF* f = bgzf_open(d.file("x.gz").c_str(), "r");
    std::string out(200000, '\0');
    const ssize_t n = bgzf_read(f, out.data(), out.size());
    bgzf_close(f);
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return out;
  };
  CHECK(inflate(one.bytes()) == rec + rec);
  CHECK(inflate(two.bytes()) == rec + rec);
}

TEST_CASE("bgzf_decompress inverts BgzfBlocks over several blocks and rejects damage") {
  std::string text;
  for (int i = 0; text.size() < 3 * BGZF_BLOCK_SIZE; ++i) text += "chr1\t" + std::to_string(i) + "\t.\tA\tC\n";
  BgzfBlocks b;
  b.add_raw(text);
  b.flush();
  CHECK(b.bytes().size() < text.size());
  CHECK(dvhpc::bgzf_decompress(b.bytes()) == text);
  CHECK(dvhpc::bgzf_decompress(std::string(dvhpc::BgzfBlocks::eof_block())).empty());
  CHECK_THROWS_AS(dvhpc::bgzf_decompress(b.bytes().substr(0, b.bytes().size() - 5)), dvhpc::Error);
  std::string bad = b.bytes();
  bad[40] ^= 0x55;
  CHECK_THROWS_AS(dvhpc::bgzf_decompress(bad), dvhpc::Error);
}
