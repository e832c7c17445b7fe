#include "shard_cache.hpp"

#include <filesystem>
#include <fstream>
#include <functional>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"

namespace dvhpc {
namespace fs = std::filesystem;
namespace {

// Length-prefixed binary fields.
void put(std::ostream& o, const std::string& s) {
  uint64_t n = s.size();
  o.write(reinterpret_cast<const char*>(&n), sizeof n);
  o.write(s.data(), static_cast<std::streamsize>(n));
}
template <typename T>
void put(std::ostream& o, const std::vector<T>& v) {
  uint64_t n = v.size();
  o.write(reinterpret_cast<const char*>(&n), sizeof n);
  if constexpr (std::is_same_v<T, std::string>) {
    for (const auto& s : v) put(o, s);
  } else {
    o.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
  }
}
bool get(std::istream& i, std::string& s) {
  uint64_t n = 0;
  if (!i.read(reinterpret_cast<char*>(&n), sizeof n) || n > (1ull << 40)) return false;
  s.resize(n);
  return static_cast<bool>(i.read(s.data(), static_cast<std::streamsize>(n)));
}
template <typename T>
bool get(std::istream& i, std::vector<T>& v) {
  uint64_t n = 0;
  if (!i.read(reinterpret_cast<char*>(&n), sizeof n) || n > (1ull << 40)) return false;
  v.resize(n);
  if constexpr (std::is_same_v<T, std::string>) {
    for (auto& s : v)
      if (!get(i, s)) return false;
    return true;
  } else {
    return static_cast<bool>(i.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T))));
  }
}

std::string shard_file(const std::string& dir, int64_t shard) {
  return dir + "/shard-" + std::to_string(shard) + ".bin";
}

}  // namespace

ShardCache::ShardCache(const Comm& comm, const std::string& output_prefix, const std::string& key_text)
    : comm_(comm), dir_(output_prefix + ".shards") {
  const std::string key = std::to_string(std::hash<std::string>{}(key_text));
  std::string err;
  int64_t kept = 0;
  if (comm_.is_root()) {
    try {
      std::string old;
      std::ifstream(dir_ + "/key") >> old;
      if (fs::exists(dir_) && old != key) {
        log::warn("{} holds shards of a run with other settings: discarding them", dir_);
        fs::remove_all(dir_);
      }
      fs::create_directories(dir_);
      std::ofstream(dir_ + "/key") << key << "\n";
      for (const auto& e : fs::directory_iterator(dir_))
        kept += e.path().extension() == ".bin";
    } catch (const std::exception& e) {
      err = std::string("cannot use the shard directory '") + dir_ + "': " + e.what();
    }
  }
  err = comm_.broadcast(err);
  if (!err.empty()) throw Error::on_all_ranks(ErrorKind::Output, err);
  restored_ = static_cast<int64_t>(comm_.allreduce_max(static_cast<double>(kept)));
  if (restored_ > 0) log::info("resuming: {} finished shard(s) found in {}", restored_, dir_);
}

bool ShardCache::load(int64_t shard, ShardResult& r) const {
  std::ifstream in(shard_file(dir_, shard), std::ios::binary);
  if (!in) return false;
  CallColumns& c = r.cols;
  bool ok = get(in, r.candidate_vcf) && get(in, r.call_vcf) && get(in, c.contig) && get(in, c.ref) &&
            get(in, c.alt) && get(in, c.pos) && get(in, c.qual) && get(in, c.genotypes) &&
            get(in, c.probabilities) && in.read(reinterpret_cast<char*>(&r.variants), sizeof r.variants);
  return ok;  // a damaged file is recomputed
}

void ShardCache::store(int64_t shard, const ShardResult& r) const {
  const std::string path = shard_file(dir_, shard), tmp = path + ".tmp";
  {
    std::ofstream o(tmp, std::ios::binary);
    const CallColumns& c = r.cols;
    put(o, r.candidate_vcf);
    put(o, r.call_vcf);
    put(o, c.contig);
    put(o, c.ref);
    put(o, c.alt);
    put(o, c.pos);
    put(o, c.qual);
    put(o, c.genotypes);
    put(o, c.probabilities);
    o.write(reinterpret_cast<const char*>(&r.variants), sizeof r.variants);
    if (!o) throw Error(ErrorKind::Output, "cannot write '" + tmp + "' (disk full?)");
  }
  fs::rename(tmp, path);
}

void ShardCache::remove_all() const {
  comm_.barrier();
  if (comm_.is_root()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

}  // namespace dvhpc
