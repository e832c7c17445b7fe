// Reads GT of a VCF/BCF into this rank's share of a genotype matrix.
//
// The number of records is not known before reading, so ranks split the
// records in chunks of kChunk in a round robin: every rank parses each
// record's fixed fields (cheap) and unpacks the genotypes only of the chunks
// it owns. Variant order, and so the result, is the same at any rank count.
#include <htslib/vcf.h>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/vcf_check.hpp"
#include "genotype_io_detail.hpp"

namespace dvhpc::detail {
namespace {
constexpr int64_t kChunk = 4096;
}

GenotypeMatrix read_genotype_vcf(const Comm& comm, const std::string& path, GenotypeReadStats* stats) {
  htsFile* fp = hts_open(path.c_str(), "r");
  if (!fp) throw Error(ErrorKind::Input, "cannot open '" + path + "' as VCF/BCF");
  bcf_hdr_t* hdr = bcf_hdr_read(fp);
  bcf1_t* rec = bcf_init();
  int32_t* gt = nullptr;
  int gt_size = 0;
  struct Cleanup {
    htsFile* fp;
    bcf_hdr_t* hdr;
    bcf1_t* rec;
    int32_t** gt;
    ~Cleanup() {
      free(*gt);
      bcf_destroy(rec);
      if (hdr) bcf_hdr_destroy(hdr);
      hts_close(fp);
    }
  } cleanup{fp, hdr, rec, &gt};
  if (!hdr) throw Error(ErrorKind::Input, "'" + path + "' has no valid VCF header");
  GenotypeMatrix m;
  const int ns = bcf_hdr_nsamples(hdr);
  if (ns == 0) throw Error(ErrorKind::Input, "'" + path + "' has no sample columns");
  for (int j = 0; j < ns; ++j) m.samples.push_back({hdr->samples[j], hdr->samples[j]});
  GenotypeReadStats local;
  int64_t kept = 0;  // usable records so far (the global row index)
  int64_t records = 0;
  int rc;
  while ((rc = bcf_read(fp, hdr, rec)) == 0) {
    check_vcf_record(rec, "genotype VCF", path, ++records, hdr);
    if (rec->n_allele > 2) {
      ++local.skipped_multiallelic;
      continue;
    }
    const bool mine = (kept / kChunk) % comm.size() == comm.rank();
    const int64_t row_index = kept++;
    if (!mine) continue;
    bcf_unpack(rec, BCF_UN_ALL);
    const int n = bcf_get_genotypes(hdr, rec, &gt, &gt_size);
    if (n <= 0) {
      throw Error(ErrorKind::Input, std::string("record at ") + bcf_hdr_id2name(hdr, rec->rid) + ":" +
                                        std::to_string(rec->pos + 1) + " of '" + path + "' has no GT field");
    }
    VariantId v;
    v.chrom = bcf_hdr_id2name(hdr, rec->rid);
    v.pos = rec->pos + 1;
    v.id = rec->d.id ? rec->d.id : ".";
    v.ref = rec->d.allele[0];
    v.alt = rec->n_allele > 1 ? rec->d.allele[1] : ".";
    if (v.id == ".") v.id = synthetic_variant_id(v);
    uint8_t* row = m.add_variant(row_index, std::move(v));
    const int ploidy = n / ns;
    for (int j = 0; j < ns; ++j) {
      const int32_t* a = gt + j * ploidy;
      int copies = 0, called = 0, present = 0;
      for (int k = 0; k < ploidy; ++k) {
        if (a[k] == bcf_int32_vector_end) break;
        ++present;
        if (bcf_gt_is_missing(a[k])) continue;
        ++called;
        copies += bcf_gt_allele(a[k]) > 0 ? 1 : 0;
      }
      // Haploid calls (male X, a haploid organism) count as homozygous, as PLINK does.
      if (present == 1 && called == 1) copies *= 2;
      set_code(row, j, called == present && called > 0 ? code_of(copies) : gcode::kMissing);
    }
  }
  if (rc < -1) throw Error(ErrorKind::Input, "'" + path + "' is truncated or malformed near record " + std::to_string(kept + 1));
  m.total_variants = kept;
  if (stats) *stats = local;
  return m;
}

}  // namespace dvhpc::detail
