// Truth matching (normalised, split, inside the BED) and the PNG writer.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "dvhpc/error.hpp"
#include "dvhpc/labels.hpp"
#include "dvhpc/png.hpp"
#include "dvhpc/reads.hpp"
#include "make_examples/example_data.hpp"
#include "kernels/allele_counter.hpp"

using namespace dvhpc;

TEST_CASE("labels: candidates match a truth written differently, BED limits labels") {
  test::TempDir dir;
  const auto d = test::make_example_data(dir);
  Reference ref(d.fasta);
  ReadLoader loader(d.bam, ReadFilterConfig{});
  ContigMap cm = match_contigs(loader.contigs(), ref.contigs(), {}, false, d.bam, d.fasta);
  Region win{"chr1", 0, 3000};
  ReadBatch batch = loader.load(win, cm);
  AlleleCounter counter(CandidateConfig{});
  counter.count(batch, win, ref.fetch(win));
  const auto sites = counter.candidates(win);
  REQUIRE(sites.size() == 5);
  TruthSet truth(d.vcf, d.bed, ref);
  std::vector<int> got;
  for (const auto& q : example_queries(sites)) got.push_back(truth.label(sites[size_t(q.site)], q));
  // het SNP, hom SNP, het deletion (truth right-shifted in the repeat),
  // hom insertion, 1|2 site: alt1 het, alt2 het, pair hom-alt.
  CHECK(got == std::vector<int>{1, 2, 1, 2, 1, 1, 2});

  // Left alignment moves the deletion to the C anchor before the T run.
  int64_t pos = 1100;
  std::string r = ref.fetch("chr1", 1100, 1103), a = r.substr(0, 1);
  left_align(ref, "chr1", pos, r, a);
  CHECK(pos == 1098);
  CHECK(r == "CTT");
  CHECK(a == "C");

  // A BED without the SNP at 500: no label there; a wrong allele is hom-ref.
  const std::string bed2 = dir.write("b2.bed", "chr1\t600\t2900\n");
  TruthSet t2(d.vcf, bed2, ref);
  CHECK(t2.label(sites[0], ExampleQuery{0, 1, {0, 0}}) == -1);
  Candidate fake = sites[1];
  fake.alts[0] = fake.ref == "A" ? "C" : "A";
  if (fake.alts[0] == sites[1].alts[0]) fake.alts[0] = "G";
  CHECK(t2.label(fake, ExampleQuery{0, 1, {0, 0}}) == 0);
  CHECK_THROWS_AS(TruthSet(dir.file("missing.vcf"), d.bed, ref), Error);
}

TEST_CASE("png: a pileup panel strip decodes with an independent decoder") {
  std::vector<uint8_t> img(10 * 7 * 3);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(i * 37 % 256);
  const auto png = encode_png_gray(img.data(), 21, 10);
  REQUIRE(png.size() > 33);
  CHECK(std::string(png.begin() + 1, png.begin() + 4) == "PNG");
  CHECK(std::string(png.begin() + 12, png.begin() + 16) == "IHDR");
  // IHDR CRC: known value of the CRC-32 of "IEND" checks the table.
  const uint8_t iend[] = {'I', 'E', 'N', 'D'};
  CHECK(png_crc32(iend, 4) == 0xAE426082u);
  test::TempDir dir;
  const std::string path = dir.file("p.png");
  write_pileup_png(path, img.data(), 10, 7, 3);
  if (std::system("python3 -c 'import zlib' 2>/dev/null") != 0) {
    MESSAGE("SKIP: python3 not available to decode the PNG");
    return;
  }
  // Python's zlib + binascii decode it and check every CRC and pixel.
  const std::string py = dir.write("check.py", R"(
import sys, zlib, struct, binascii
b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'\x89PNG\r\n\x1a\n'
i, idat, ihdr = 8, b'', None
while i < len(b):
    n, t = struct.unpack('>I4s', b[i:i+8]); d = b[i+8:i+8+n]
    assert struct.unpack('>I', b[i+8+n:i+12+n])[0] == binascii.crc32(t + d) & 0xffffffff, t
    if t == b'IHDR': ihdr = struct.unpack('>IIBBBBB', d)
    if t == b'IDAT': idat += d
    i += 12 + n
w, h = ihdr[0], ihdr[1]
raw = zlib.decompress(idat)
rows = [raw[y*(w+1)+1:(y+1)*(w+1)] for y in range(h)]
img = [((y*7+x)*3+c)*37 % 256 for y in range(10) for x in range(7) for c in range(3)]
for y in range(10):
    for c in range(3):
        for x in range(7):
            assert rows[y][c*11+x] == img[(y*7+x)*3+c]
        if c < 2: assert rows[y][c*11+7:c*11+11] == b'\0'*4
print('ok', w, h)
)");
  CHECK(std::system(("python3 " + py + " " + path).c_str()) == 0);
}
