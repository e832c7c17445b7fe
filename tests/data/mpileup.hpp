// Runs `samtools mpileup` at test time and parses its base column, so the
// real-data tests compare dvhpc's counts with an independent implementation.
//
// The command (documented in perf/RESULTS_count.md too):
//   samtools mpileup -B -x -A -d 0 -Q MINBQ -q MINMAPQ
//       --ff UNMAP,SECONDARY,QCFAIL,DUP,SUPPLEMENTARY -a -f REF -r REGION BAM
//  -B  no BAQ (dvhpc uses raw base qualities)
//  -x  no overlapping-mate quality zeroing (dvhpc counts both mates)
//  -A  keep anomalous read pairs ("orphans"; dvhpc has no pair filter)
//  -d 0 no depth cap;  -a every position, zero depth included
// Bases below -Q are omitted from the base column and the depth; deleted
// positions show '*' (both strands in samtools 1.16, '#' reverse in newer);
// an empty column shows depth 0 and a lone '*' placeholder.
#pragma once

#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace dvhpc::test {

struct PileupColumn {
  int64_t pos = 0;  // 0-based
  char ref = 'N';
  int depth = 0;
  int fwd[5] = {0, 0, 0, 0, 0};  // A C G T N
  int rev[5] = {0, 0, 0, 0, 0};
  int del = 0;                   // '*' and '#'
};

// (0-based anchor, signed length, upper-case sequence) -> reads
using PileupIndels = std::map<std::tuple<int64_t, int, std::string>, int>;

inline bool have_samtools() {
  FILE* p = popen("samtools --version 2>/dev/null", "r");
  if (!p) return false;
  char buf[64];
  const bool got = fgets(buf, sizeof buf, p) != nullptr;
  return pclose(p) == 0 && got;
}

inline std::string mpileup_command(const std::string& bam, const std::string& ref, const std::string& region,
                                   int min_bq, int min_mapq) {
  return "samtools mpileup -B -x -A -d 0 -Q " + std::to_string(min_bq) + " -q " + std::to_string(min_mapq) +
         " --ff UNMAP,SECONDARY,QCFAIL,DUP,SUPPLEMENTARY -a -f '" + ref + "' -r '" + region + "' '" + bam +
         "' 2>/dev/null";
}

inline int code_of(char c) {
  switch (std::toupper(static_cast<unsigned char>(c))) {
    case 'A': return 0;
    case 'C': return 1;
    case 'G': return 2;
    case 'T': return 3;
    default: return 4;
  }
}

// Runs the command and parses every line; returns false when it fails.
inline bool run_mpileup(const std::string& cmd, std::vector<PileupColumn>& cols, PileupIndels& indels) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return false;
  std::string line;
  char buf[1 << 16];
  while (fgets(buf, sizeof buf, p)) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    line.pop_back();
    // chrom pos ref depth bases quals
    std::vector<std::string> f;
    size_t s = 0;
    for (size_t i = 0; i <= line.size(); ++i)
      if (i == line.size() || line[i] == '\t') {
        f.push_back(line.substr(s, i - s));
        s = i + 1;
      }
    line.clear();
    if (f.size() < 5) continue;
    PileupColumn c;
    c.pos = std::stoll(f[1]) - 1;
    c.ref = static_cast<char>(std::toupper(static_cast<unsigned char>(f[2][0])));
    c.depth = std::stoi(f[3]);
    // With -a, an empty column prints depth 0 and "*" as a placeholder.
    const std::string b = c.depth == 0 && f[4] == "*" ? std::string() : f[4];
    for (size_t i = 0; i < b.size(); ++i) {
      const char ch = b[i];
      if (ch == '^') { ++i; continue; }
      if (ch == '$') continue;
      if (ch == '.') { ++c.fwd[code_of(c.ref)]; continue; }
      if (ch == ',') { ++c.rev[code_of(c.ref)]; continue; }
      if (ch == '*' || ch == '#') { ++c.del; continue; }
      if (ch == '+' || ch == '-') {
        size_t j = i + 1;
        int len = 0;
        while (j < b.size() && std::isdigit(static_cast<unsigned char>(b[j]))) len = len * 10 + (b[j++] - '0');
        std::string seq = b.substr(j, static_cast<size_t>(len));
        for (auto& x : seq) x = static_cast<char>(std::toupper(static_cast<unsigned char>(x)));
        ++indels[{c.pos, ch == '+' ? len : -len, ch == '+' ? seq : std::string()}];
        i = j + static_cast<size_t>(len) - 1;
        continue;
      }
      if (std::isupper(static_cast<unsigned char>(ch))) ++c.fwd[code_of(ch)];
      else if (std::islower(static_cast<unsigned char>(ch))) ++c.rev[code_of(ch)];
      // '>' '<' (reference skips) are not bases
    }
    cols.push_back(c);
  }
  return pclose(p) == 0;
}

}  // namespace dvhpc::test
