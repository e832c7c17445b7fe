// One check for every VCF record dvhpc reads (truth sets, call sets, variant
// lists). htslib parses some broken fields leniently, e.g. a non-numeric POS
// becomes position 0 with only a warning; such a file must be an error, not
// silently wrong labels or scores; and a line cut short before REF parses
// without an error but with no alleles at all.
#pragma once

#include <htslib/vcf.h>

#include <cstdint>
#include <string>

#include "dvhpc/error.hpp"

namespace dvhpc {

// what: e.g. "truth VCF"; index: 1-based record number, for the message.
inline void check_vcf_record(const bcf1_t* r, const std::string& what, const std::string& path, int64_t index) {
  if (r->errcode != 0 || r->pos < 0 || r->rlen <= 0 || r->n_allele < 1)
    throw Error(ErrorKind::Input, what + " '" + path + "': record " + std::to_string(index) +
                                      " is malformed (bad POS, REF or fields); check it with bcftools view");
}

}  // namespace dvhpc
