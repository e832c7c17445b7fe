#include "dvhpc/sim/random_genome.hpp"

#include <htslib/faidx.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "dvhpc/error.hpp"
#include "dvhpc/sim/rng.hpp"

namespace dvhpc::sim {

void write_random_fasta(const std::string& path, const std::string& contig, int64_t length, uint64_t seed) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw Error(ErrorKind::Output, "cannot create '" + tmp + "': " + std::strerror(errno));
  static constexpr char kBases[4] = {'A', 'C', 'G', 'T'};
  constexpr int64_t kChunk = 1 << 20, kLine = 60;
  std::string out = ">" + contig + "\n";
  std::string chunk;
  bool ok = true;
  for (int64_t c0 = 0; c0 < length; c0 += kChunk) {
    SimRng rng(key(seed, {0x67656eULL, static_cast<uint64_t>(c0 / kChunk)}));
    int64_t n = std::min(kChunk, length - c0);
    chunk.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; i += 32) {  // 32 bases from each 64-bit draw
      uint64_t r = rng.next();
      for (int64_t j = i; j < std::min(n, i + 32); ++j, r >>= 2) chunk[static_cast<size_t>(j)] = kBases[r & 3];
    }
    // Lines of 60 counted from the contig start (kChunk is not a multiple of 60).
    for (int64_t i = 0; i < n; ++i) {
      out += chunk[static_cast<size_t>(i)];
      if ((c0 + i + 1) % kLine == 0 || c0 + i + 1 == length) out += '\n';
    }
    ok = ok && std::fwrite(out.data(), 1, out.size(), f) == out.size();
    out.clear();
  }
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    throw Error(ErrorKind::Output, "cannot write '" + tmp + "' (disk full?)");
  }
  std::remove((path + ".fai").c_str());
  if (std::rename(tmp.c_str(), path.c_str()) != 0 || fai_build(path.c_str()) != 0)
    throw Error(ErrorKind::Output, "cannot finish the random reference '" + path + "' and its .fai");
}

}  // namespace dvhpc::sim
