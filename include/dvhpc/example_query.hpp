// What one example asks: "what is the genotype of this alt allele (or of
// this pair of alts) at this candidate site?" DeepVariant's scheme: a site
// with alts A1..An gives one example per alt and, when n >= 2, one per pair
// {Ai, Aj} (the pair's genotype counts haplotypes carrying either alt), so
// a het A1/A2 site reads as het, het, hom-alt.
//
//   site REF=ACG ALT=GCG,A     -> examples: GCG | A | GCG|A
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dvhpc/candidates.hpp"

namespace dvhpc {

enum VariantType : int8_t { kSnp = 0, kInsertion = 1, kDeletion = 2, kComplex = 3 };

// An alt in its minimal form against the reference: a SNP (one base), an
// insertion of `seq` after the anchor base at `pos`, or a deletion of
// `length` bases after the anchor; anything else is kComplex.
struct MinimalAllele {
  int64_t pos = 0;       // 0-based: the SNP base or the indel's anchor
  VariantType type = kComplex;
  int32_t length = 0;    // indel length (bases inserted / deleted)
  std::string seq;       // SNP: the alt base; insertion: the inserted bases
};

MinimalAllele minimal_allele(const Candidate& site, size_t alt);

struct ExampleQuery {
  int32_t site = 0;     // index into the sites
  int32_t n_alts = 1;   // 1 or 2
  int32_t alt[2] = {0, 0};
};

// Every example of `sites`, site by site: alts in order, then pairs (i < j).
std::vector<ExampleQuery> example_queries(const std::vector<Candidate>& sites);

// "ALT" or "ALT1|ALT2"; the variant type of the query (a pair of one type
// keeps it, mixed pairs are kComplex); reads supporting the queried alts.
std::string query_alt_string(const Candidate& site, const ExampleQuery& q);
VariantType query_variant_type(const Candidate& site, const ExampleQuery& q);
int32_t query_alt_count(const Candidate& site, const ExampleQuery& q);

}  // namespace dvhpc
