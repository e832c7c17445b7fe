#include "dvhpc/contigs.hpp"

#include <unordered_map>

#include "dvhpc/error.hpp"

namespace dvhpc {

ContigMap::ContigMap(std::vector<std::string> to_reference) : to_reference_(std::move(to_reference)) {
  for (size_t i = 0; i < to_reference_.size(); ++i)
    if (!to_reference_[i].empty()) to_tid_.emplace(to_reference_[i], static_cast<int>(i));
}

int ContigMap::reads_tid(const std::string& reference_name) const {
  auto it = to_tid_.find(reference_name);
  return it == to_tid_.end() ? -1 : it->second;
}

const std::string& ContigMap::reference_name(int tid) const {
  static const std::string empty;
  if (tid < 0 || static_cast<size_t>(tid) >= to_reference_.size()) return empty;
  return to_reference_[static_cast<size_t>(tid)];
}

std::string toggle_chr_prefix(const std::string& name) {
  if (name == "chrM") return "MT";
  if (name == "MT") return "chrM";
  if (name.rfind("chr", 0) == 0) return name.substr(3);
  return "chr" + name;
}

ContigMap match_contigs(const std::vector<ContigInfo>& reads, const std::vector<ContigInfo>& reference,
                        const std::map<std::string, std::string>& aliases, bool auto_chr_prefix,
                        const std::string& reads_path, const std::string& reference_path) {
  std::unordered_map<std::string, int64_t> ref_len;
  for (const auto& c : reference) ref_len.emplace(c.name, c.length);

  std::vector<std::string> to_ref(reads.size());
  size_t matched = 0;
  for (size_t i = 0; i < reads.size(); ++i) {
    const std::string& name = reads[i].name;
    std::string target;
    if (auto a = aliases.find(name); a != aliases.end()) {
      if (!ref_len.count(a->second))
        throw Error(ErrorKind::Input, "contig_aliases maps reads contig '" + name + "' to '" +
                                          a->second + "', which is not in the reference '" +
                                          reference_path + "'; fix the alias in the config");
      target = a->second;
    } else if (ref_len.count(name)) {
      target = name;
    } else {
      const std::string other = toggle_chr_prefix(name);
      if (ref_len.count(other)) {
        if (!auto_chr_prefix)
          throw Error(ErrorKind::Input,
                      "contig names differ: the reads '" + reads_path + "' name a contig '" + name +
                          "' but the reference '" + reference_path + "' calls it '" + other +
                          "'. Set `auto_chr_prefix: true` in the config to add/strip 'chr' "
                          "automatically, or map it explicitly with `contig_aliases: {\"" + name +
                          "\": \"" + other + "\"}`.");
        target = other;
      }
    }
    if (target.empty()) continue;
    const int64_t rl = ref_len.at(target);
    if (reads[i].length != rl)
      throw Error(ErrorKind::Input,
                  "contig length mismatch: '" + name + "' has length " +
                      std::to_string(reads[i].length) + " in the reads '" + reads_path + "' but '" +
                      target + "' has length " + std::to_string(rl) + " in the reference '" +
                      reference_path +
                      "'. The reads were aligned to a different assembly; use the reference they "
                      "were aligned to.");
    to_ref[i] = target;
    ++matched;
  }
  if (matched == 0 && !reads.empty())
    throw Error(ErrorKind::Input,
                "the reads '" + reads_path + "' share no contig with the reference '" +
                    reference_path + "' (reads have '" + reads[0].name + "', ... ; reference has '" +
                    (reference.empty() ? std::string() : reference[0].name) +
                    "', ...). Check that both belong to the same assembly, or map names with "
                    "`contig_aliases:`.");
  return ContigMap(std::move(to_ref));
}

}  // namespace dvhpc
