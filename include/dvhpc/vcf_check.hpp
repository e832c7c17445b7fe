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
namespace detail {

[[noreturn]] inline void damaged_record(const std::string& what, const std::string& path, int64_t index,
                                        const std::string& why) {
  throw Error(ErrorKind::Input, what + " '" + path + "': record " + std::to_string(index) + " " + why +
                                    ": the file is damaged; check it with bcftools view");
}

// Whether FORMAT field f is stored in the type its header line declares (GT:
// integers). An id the header does not define is not.
inline bool stored_as_declared(const bcf_hdr_t* hdr, const bcf_fmt_t& f) {
  const int t = f.type;
  const bool is_int = t == BCF_BT_INT8 || t == BCF_BT_INT16 || t == BCF_BT_INT32;
  if (f.id < 0 || f.id >= hdr->n[BCF_DT_ID] || !bcf_hdr_idinfo_exists(hdr, BCF_HL_FMT, f.id)) return false;
  if (std::string(bcf_hdr_int2id(hdr, BCF_DT_ID, f.id)) == "GT") return is_int;
  const int declared = bcf_hdr_id2type(hdr, BCF_HL_FMT, f.id);
  return declared == BCF_HT_STR ? t == BCF_BT_CHAR : declared == BCF_HT_REAL ? t == BCF_BT_FLOAT : is_int;
}

}  // namespace detail

// FORMAT fields must be stored in the type `hdr` declares (GT as
// integers), or htslib's readers exit(1) on them. The header is required:
// two readers that once passed none let such records through (the vcf fuzz
// target found it).
inline void check_vcf_record(bcf1_t* r, const std::string& what, const std::string& path, int64_t index,
                             const bcf_hdr_t* hdr) {
  if (r->errcode != 0 || r->pos < 0 || r->rlen <= 0 || r->n_allele < 1)
    throw Error(ErrorKind::Input, what + " '" + path + "': record " + std::to_string(index) +
                                      " is malformed (bad POS, REF or fields); check it with bcftools view");
  if (r->n_sample == 0) return;
  // A damaged BCF can give a FORMAT field a type code that is none of
  // BCF's, or another type than its header declares, on which htslib's
  // bcf_get_format_values (GT, AD, PL readers) calls exit(1); or hundreds of
  // millions of values per record, which it allocates at once. No real field
  // comes near 2^26 values (1,000 samples x 5,050 PLs is 5e6).
  if (bcf_unpack(r, BCF_UN_FMT) != 0 || r->errcode != 0)
    detail::damaged_record(what, path, index, "has unreadable FORMAT fields");
  for (int i = 0; i < r->n_fmt; ++i) {
    const bcf_fmt_t& f = r->d.fmt[i];
    if (f.type != BCF_BT_INT8 && f.type != BCF_BT_INT16 && f.type != BCF_BT_INT32 && f.type != BCF_BT_FLOAT &&
        f.type != BCF_BT_CHAR)
      detail::damaged_record(what, path, index, "has a FORMAT field of unknown type " + std::to_string(f.type));
    if (!hdr || !detail::stored_as_declared(hdr, f))
      detail::damaged_record(what, path, index, "stores a FORMAT field in another type than its header declares");
    if (static_cast<int64_t>(f.n) * r->n_sample > (int64_t{1} << 26))
      detail::damaged_record(what, path, index,
                             "declares " + std::to_string(f.n) + " values per sample in a FORMAT field");
  }
}

}  // namespace dvhpc
