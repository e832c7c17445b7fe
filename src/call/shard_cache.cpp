#include "shard_cache.hpp"

#include <filesystem>
#include <fstream>
#include <functional>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"

namespace dvhpc {
namespace fs = std::filesystem;

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
      for (const auto& e : fs::directory_iterator(dir_)) kept += e.path().extension() == ".spill";
    } catch (const std::exception& e) {
      err = std::string("cannot use the shard directory '") + dir_ + "': " + e.what();
    }
  }
  comm_.agree_or_throw(err, ErrorKind::Output);
  restored_ = static_cast<int64_t>(comm_.allreduce_max(static_cast<double>(kept)));
  if (restored_ > 0) log::info("resuming: {} finished shard(s) found in {}", restored_, dir_);
}

std::string ShardCache::path(int64_t shard) const { return dir_ + "/shard-" + std::to_string(shard) + ".spill"; }

void ShardCache::remove_all() const {
  comm_.barrier();
  if (comm_.is_root()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

}  // namespace dvhpc
