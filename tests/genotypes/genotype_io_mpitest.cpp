// Genotype matrices written and read back in parallel (1 and 2 ranks): PLINK
// and the HDF5 layout round-trip exactly; a VCF reads with missing, haploid
// and multi-allelic records handled; bad input names the file.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "dvhpc/comm.hpp"
#include "mpi_test_util.hpp"
#include "dvhpc/genotype_io.hpp"
#include "dvhpc/h5_file.hpp"
#include "dvhpc/sim/population.hpp"

using namespace dvhpc;
using dvhpc::test::shared_dir;
namespace fs = std::filesystem;

namespace {

// This rank's block of a simulated matrix with some missing genotypes.
GenotypeMatrix simulated(const Comm& w, int64_t variants, int64_t samples) {
  sim::PopulationModel model{3, 0.05, "uniform", 7};
  GenotypeMatrix m;
  for (int64_t s = 0; s < samples; ++s) m.samples.push_back({"fam" + std::to_string(s % 4), "id" + std::to_string(s)});
  m.total_variants = variants;
  std::vector<int8_t> g(static_cast<size_t>(samples));
  for (int64_t v = variants * w.rank() / w.size(); v < variants * (w.rank() + 1) / w.size(); ++v) {
    model.genotypes(v, samples, 0.05, g.data());
    uint8_t* row = m.add_variant(v, VariantId{"2", 10 * (v + 1), "rs" + std::to_string(v), "T", "C"});
    for (int64_t s = 0; s < samples; ++s) set_code(row, s, code_of(g[static_cast<size_t>(s)]));
  }
  return m;
}

// Every rank's rows gathered as text (index, id, alleles, codes), in index order.
std::string all_rows(const Comm& w, const GenotypeMatrix& m) {
  std::string mine;
  for (int64_t i = 0; i < m.local_variants(); ++i) {
    const VariantId& v = m.variants[static_cast<size_t>(i)];
    mine += std::to_string(m.index[static_cast<size_t>(i)]) + ' ' + v.chrom + ' ' + std::to_string(v.pos) + ' ' +
            v.id + ' ' + v.alt + ' ' + v.ref + ' ';
    for (int64_t j = 0; j < m.n_samples(); ++j) mine += static_cast<char>('0' + code_at(m.row(i), j));
    mine += '\n';
  }
  std::string all;
  for (const auto& p : w.gather(mine, 0)) all += p;
  return w.broadcast(all, 0);
}
}  // namespace

TEST_CASE("PLINK and HDF5 genotype matrices round-trip at any rank count") {
  const Comm w = Comm::world();
  const std::string dir = shared_dir(w, "gio");
  const GenotypeMatrix m = simulated(w, 301, 37);  // 37 samples: a partial last byte
  write_plink(w, dir + "/m", m);
  {
    H5File f(w, dir + "/m.h5");
    write_genotype_h5(w, f, m);
    f.commit();
  }
  const std::string expect = all_rows(w, m);
  for (const std::string path : {dir + "/m", dir + "/m.bed", dir + "/m.h5"}) {
    CAPTURE(path);
    const GenotypeMatrix r = read_genotype_matrix(w, path);
    CHECK(r.total_variants == 301);
    REQUIRE(r.n_samples() == 37);
    CHECK(r.samples[5].fid == "fam1");
    CHECK(r.samples[5].iid == "id5");
    CHECK(all_rows(w, r) == expect);
  }
  if (w.is_root()) {
    CHECK(fs::file_size(dir + "/m.bed") == 3 + 301 * 10);
    for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".tmp-") == std::string::npos);
  }
  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}

TEST_CASE("VCF genotypes: missing, haploid, multi-allelic and chunked ownership") {
  const Comm w = Comm::world();
  const std::string dir = shared_dir(w, "gvcf");
  const int64_t records = 9000;  // > 2 chunks of 4096, so 2 ranks interleave
  if (w.is_root()) {
    std::ofstream out(dir + "/g.vcf");
    out << "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=100000000>\n"
           "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
           "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\tC\n";
    for (int64_t i = 0; i < records; ++i) {
      out << "chr1\t" << (i + 1) * 10 << '\t' << (i % 2 ? "rs" + std::to_string(i) : ".") << "\tA\t"
          << (i == 5 ? "G,T" : "G") << "\t.\t.\t.\tGT\t";
      out << (i % 3 == 0 ? "0/1" : "1|1") << '\t' << (i % 7 == 0 ? "./." : "0/0") << '\t' << (i % 2 ? "1" : "0") << '\n';
    }
  }
  w.barrier();
  GenotypeReadStats stats;
  const GenotypeMatrix m = read_genotype_matrix(w, dir + "/g.vcf", &stats);
  CHECK(stats.skipped_multiallelic == 1);
  CHECK(m.total_variants == records - 1);
  REQUIRE(m.n_samples() == 3);
  CHECK(m.samples[2].iid == "C");
  int64_t seen = 0;
  for (int64_t i = 0; i < m.local_variants(); ++i) {
    const int64_t rec = m.index[static_cast<size_t>(i)] < 5 ? m.index[static_cast<size_t>(i)] : m.index[static_cast<size_t>(i)] + 1;
    const VariantId& v = m.variants[static_cast<size_t>(i)];
    CHECK(v.pos == (rec + 1) * 10);
    CHECK(v.id == (rec % 2 ? "rs" + std::to_string(rec) : "chr1:" + std::to_string(v.pos) + ":A:G"));
    CHECK(alt_copies(code_at(m.row(i), 0)) == (rec % 3 == 0 ? 1 : 2));
    CHECK(alt_copies(code_at(m.row(i), 1)) == (rec % 7 == 0 ? -1 : 0));
    CHECK(alt_copies(code_at(m.row(i), 2)) == (rec % 2 ? 2 : 0));  // haploid: homozygous
    ++seen;
  }
  CHECK(w.allreduce_sum(seen) == records - 1);
  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}

TEST_CASE("bad genotype input is refused on every rank with the file named") {
  const Comm w = Comm::world();
  const std::string dir = shared_dir(w, "gbad");
  if (w.is_root()) {
    std::ofstream(dir + "/t.fam") << "f1 i1 0 0 0 -9\nf2 i2 0 0 0 -9\n";
    std::ofstream(dir + "/t.bim") << "1\tv1\t0\t100\tA\tG\n1\tv2\t0\t200\tA\tG\n";
    std::ofstream(dir + "/t.bed", std::ios::binary) << std::string("\x6c\x1b\x01\x0f", 4);  // one row, .bim says two
    std::ofstream(dir + "/s.fam") << "f1 i1 0 0 0 -9\n";
    std::ofstream(dir + "/s.bim") << "1\tv1\t0\t100\tA\tG\n";
    std::ofstream(dir + "/s.bed", std::ios::binary) << std::string("\x6c\x1b\x00\x00", 4);
  }
  w.barrier();
  auto message = [&](const std::string& path) {
    try {
      read_genotype_matrix(w, path);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Input);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message(dir + "/t").find("lists 2 variants") != std::string::npos);
  CHECK(message(dir + "/s").find("sample-major") != std::string::npos);
  CHECK(message(dir + "/none").find("expected a PLINK 1 prefix") != std::string::npos);
  CHECK(message(dir + "/none.vcf.gz").find("does not exist") != std::string::npos);
  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}
