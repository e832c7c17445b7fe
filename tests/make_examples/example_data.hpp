// A tiny diploid data set for the example tests: a random 3 kb reference
// "chr1", two haplotypes with planted variants, error-free 100 bp reads
// tiled over both (alternating strands), and the truth VCF + BED.
//   pos (0-based)  hap1      hap2       truth GT
//   500  SNP      A->alt    ref        0|1
//   800  SNP      alt       alt        1|1
//   1100 del 2    del       ref        1|0   (written right-shifted in a repeat)
//   1400 ins 3    ins       ins        1|1
//   1700 SNP      alt1      alt2       1|2   (multi-allelic)
#pragma once

#include <random>
#include <string>
#include <vector>

#include "io/test_reads.hpp"

namespace dvhpc::test {

struct ExampleData {
  std::string fasta, bam, vcf, bed;
};

inline ExampleData make_example_data(const TempDir& dir, int reads_per_100bp = 8) {
  std::mt19937 rng(7);
  const char* acgt = "ACGT";
  std::string ref(3000, 'A');
  for (auto& c : ref) c = acgt[rng() % 4];
  ref.replace(1098, 6, "CTTTTG");  // a repeat: deleting "TT" after 1099 or 1101 is the same
  auto other = [&](char c, int k) { return acgt[(std::string("ACGT").find(c) + k) % 4]; };
  // hap[p] = bases emitted for reference position p ("" = deleted).
  std::vector<std::vector<std::string>> hap(2, std::vector<std::string>(ref.size()));
  for (int h = 0; h < 2; ++h)
    for (size_t p = 0; p < ref.size(); ++p) hap[h][p] = std::string(1, ref[p]);
  hap[0][500] = other(ref[500], 1);
  hap[0][800] = hap[1][800] = other(ref[800], 2);
  hap[0][1100] = hap[0][1101] = "";  // del of TT after the first T (1099); left-aligned, the anchor is the C
  hap[0][1400] = hap[1][1400] = ref[1400] + std::string("GCA");
  hap[0][1700] = other(ref[1700], 1);
  hap[1][1700] = other(ref[1700], 2);

  std::vector<TestRead> reads;
  int serial = 0;
  const int step = 100 / reads_per_100bp;
  for (int h = 0; h < 2; ++h)
    for (int start = 0; start + 120 < static_cast<int>(ref.size()); start += step) {
      if (hap[h][start].size() != 1) continue;
      std::string seq, cigar;
      char last = 0;
      int run = 0;
      auto op = [&](char o, int n) {
        if (o == last) { run += n; return; }
        if (run) cigar += std::to_string(run) + last;
        last = o;
        run = n;
      };
      for (int p = start; seq.size() < 100; ++p) {
        const std::string& b = hap[h][p];
        if (b.empty()) { op('D', 1); continue; }
        seq += b[0];
        op('M', 1);
        if (b.size() > 1) { seq += b.substr(1); op('I', static_cast<int>(b.size() - 1)); }
      }
      if (last != 'M') continue;  // never end on an indel
      cigar += std::to_string(run) + last;
      TestRead r = make_read("chr1", start + 1, seq, cigar, (serial++ % 2) ? 16 : 0);
      reads.push_back(r);
    }
  ExampleData d;
  d.fasta = write_fasta(dir, "ref.fa", {{"chr1", ref}});
  d.bam = write_reads(dir, "reads.bam", {{"chr1", static_cast<int64_t>(ref.size())}}, reads, "S1");
  // Truth as a VCF may write it: the deletion shifted right in the T run.
  std::string v = "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=3000>\n"
                  "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n";
  auto rec = [&](int pos0, const std::string& r, const std::string& a, const std::string& gt) {
    v += "chr1\t" + std::to_string(pos0 + 1) + "\t.\t" + r + "\t" + a + "\t50\tPASS\t.\tGT\t" + gt + "\n";
  };
  rec(500, ref.substr(500, 1), hap[0][500], "0|1");
  rec(800, ref.substr(800, 1), hap[0][800], "1|1");
  rec(1100, ref.substr(1100, 3), ref.substr(1100, 1), "1|0");
  rec(1400, ref.substr(1400, 1), hap[0][1400], "1|1");
  rec(1700, ref.substr(1700, 1), hap[0][1700] + "," + hap[1][1700], "1|2");
  d.vcf = dir.write("truth.vcf", v);
  d.bed = dir.write("truth.bed", "chr1\t100\t2900\n");
  return d;
}

}  // namespace dvhpc::test
