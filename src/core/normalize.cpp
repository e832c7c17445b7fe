#include "dvhpc/normalize.hpp"

#include <algorithm>
#include <cctype>

#include "dvhpc/error.hpp"
#include "dvhpc/reference.hpp"

namespace dvhpc {

namespace {

// Reference bases are fetched in blocks this large: VCFs are sorted, so one
// block serves many consecutive records.
constexpr int64_t kBlock = 64 * 1024;
// ...starting this far to the left, so that left-alignment through a repeat
// usually stays inside the block.
constexpr int64_t kLeftSlack = 4 * 1024;

void upper(std::string& s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

}  // namespace

void normalize_allele(int64_t& pos, std::string& ref, std::string& alt) {
  while (ref.size() > 1 && alt.size() > 1 && ref.back() == alt.back()) {
    ref.pop_back();
    alt.pop_back();
  }
  size_t k = 0;
  while (k + 1 < ref.size() && k + 1 < alt.size() && ref[k] == alt[k]) ++k;
  pos += static_cast<int64_t>(k);
  ref.erase(0, k);
  alt.erase(0, k);
}

AlleleNormalizer::AlleleNormalizer(const Reference* ref) : ref_(ref) {}

std::string AlleleNormalizer::bases(const std::string& contig, int64_t begin, int64_t end) {
  const int64_t cache_end = cache_begin_ + static_cast<int64_t>(cache_.size());
  if (contig != cache_contig_ || begin < cache_begin_ || end > cache_end) {
    cache_begin_ = std::max<int64_t>(0, begin - kLeftSlack);
    cache_ = ref_->fetch(contig, cache_begin_, std::max(end, begin + kBlock));
    cache_contig_ = contig;
  }
  // Past the contig end the block is short: return what exists, so a REF
  // running off the end reads as a mismatch rather than crashing.
  const int64_t off = begin - cache_begin_;
  if (off >= static_cast<int64_t>(cache_.size())) return {};
  return cache_.substr(static_cast<size_t>(off), static_cast<size_t>(end - begin));
}

// Tan et al. 2015: while the alleles end in the same base, drop it; when an
// allele becomes empty, prepend the reference base to the left of both. This
// slides an indel to the leftmost position with the same haplotype. Then the
// shared leading bases are trimmed back to one anchor.
void AlleleNormalizer::left_align(const std::string& contig, int64_t& pos, std::string& ref,
                                  std::string& alt) {
  for (;;) {
    bool changed = false;
    if (!ref.empty() && !alt.empty() && ref.back() == alt.back()) {
      ref.pop_back();
      alt.pop_back();
      changed = true;
    }
    if (ref.empty() || alt.empty()) {
      if (pos == 0) {
        // Nothing to the left of the contig start: VCF anchors such an
        // indel on the base after it instead.
        const std::string next = bases(contig, static_cast<int64_t>(ref.size()),
                                       static_cast<int64_t>(ref.size()) + 1);
        ref += next;
        alt += next;
        break;
      }
      const std::string left = bases(contig, pos - 1, pos);
      ref.insert(0, left);
      alt.insert(0, left);
      --pos;
      changed = true;
    }
    if (!changed) break;
  }
  size_t k = 0;
  while (k + 1 < ref.size() && k + 1 < alt.size() && ref[k] == alt[k]) ++k;
  pos += static_cast<int64_t>(k);
  ref.erase(0, k);
  alt.erase(0, k);
}

std::vector<NormAllele> AlleleNormalizer::normalize(const std::string& contig, int64_t pos,
                                                    std::string ref, std::string alt) {
  upper(ref);
  upper(alt);
  if (ref == alt || ref.empty() || alt.empty()) return {};
  bool ref_ok = false;
  if (ref_) {
    if (!ref_->has_contig(contig))
      throw Error(ErrorKind::Input,
                  "contig '" + contig + "' of a variant is not in the reference '" + ref_->path() +
                      "'; use the reference the VCF was called against (check chr20 vs 20 naming)");
    ref_ok = bases(contig, pos, pos + static_cast<int64_t>(ref.size())) == ref;
    if (!ref_ok) ++ref_mismatches_;
  }
  normalize_allele(pos, ref, alt);
  if (ref_ok && ref.size() != alt.size()) {
    const int64_t trimmed_pos = pos;
    left_align(contig, pos, ref, alt);
    if (pos != trimmed_pos) ++left_shifted_;
  }
  std::vector<NormAllele> out;
  if (ref.size() == alt.size() && ref.size() > 1) {
    // An MNP: one SNP per differing base (trimming left both ends differing).
    for (size_t i = 0; i < ref.size(); ++i)
      if (ref[i] != alt[i])
        out.push_back({pos + static_cast<int64_t>(i), std::string(1, ref[i]), std::string(1, alt[i])});
  } else {
    out.push_back({pos, std::move(ref), std::move(alt)});
  }
  return out;
}

}  // namespace dvhpc
