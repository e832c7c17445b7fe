// Reading and writing genotype matrices (genotype_matrix.hpp) in parallel.
//
// Formats, chosen by path:
//   PLINK 1 binary  PREFIX (or PREFIX.bed / .bim / .fam): variant-major .bed only
//                   (the format since PLINK 1.0; sample-major files are refused)
//   HDF5            *.h5 / *.hdf5: the layout `call` writes (README "PREFIX.h5"):
//                   /genotypes int8 [variants, samples] (0/1/2, -1 missing),
//                   /samples, /calls/{contig,pos,ref,alt} and optionally /calls/id
//   VCF / BCF       *.vcf, *.vcf.gz, *.bcf (htslib): GT of biallelic records;
//                   multi-allelic records are skipped (and counted); a record
//                   without GT is an error
//
// Every read is collective. PLINK and HDF5 split the variants into one
// contiguous block per rank, read with positioned reads / hyperslabs, so a
// rank reads only its own rows. A VCF has no row count up front: every rank
// streams the records and keeps the chunks of 4096 records it owns (chunk c
// on rank c mod size), decoding genotypes only for those.
#pragma once

#include <string>

#include "dvhpc/genotype_matrix.hpp"

namespace dvhpc {

class Comm;
class H5File;

enum class GenotypeFormat { Plink, Hdf5, Vcf };

// The format of `path`; throws Error(Input) with the accepted forms when
// none matches or the files are missing.
GenotypeFormat genotype_format(const std::string& path);
// The PLINK prefix of "x", "x.bed", "x.bim" or "x.fam".
std::string plink_prefix(const std::string& path);

// Identical on every rank (every rank of a VCF read sees every record).
struct GenotypeReadStats {
  int64_t skipped_multiallelic = 0;  // VCF records with more than one ALT
};

// Collective: this rank's share of the matrix at `path`.
GenotypeMatrix read_genotype_matrix(const Comm& comm, const std::string& path, GenotypeReadStats* stats = nullptr);

// Collective: PREFIX.bed / .bim / .fam from every rank's share (rows in
// global index order). Written under temporary names and renamed when all
// three are complete.
void write_plink(const Comm& comm, const std::string& prefix, const GenotypeMatrix& m);

// Collective: the genotype-matrix datasets of the HDF5 layout into an open
// file: /calls/{contig,pos,id,ref,alt}, /samples, /genotypes.
void write_genotype_h5(const Comm& comm, H5File& file, const GenotypeMatrix& m);

// Reads a whitespace-separated `FID IID value` table (a header line whose
// first field starts with '#' or is "FID" is skipped), rows in file order.
// Throws Error(Input) naming the line of a malformed or duplicated row.
std::vector<std::pair<SampleId, std::string>> read_sample_table(const std::string& path);

}  // namespace dvhpc
