// Config loading: defaults -> preset -> user YAML -> --set overrides -> validate.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "dvhpc/config.hpp"
#include "dvhpc/error.hpp"
#include "fields.hpp"

namespace dvhpc {
namespace {
using config_detail::Field;
using config_detail::fields;
using config_detail::find_field;

// Named presets, applied before the user's keys (minimap2's -x idea).
const std::vector<std::pair<std::string, std::string>>& presets() {
  static const std::vector<std::pair<std::string, std::string>> p = {
      {"default", ""},
      // Whole genomes: bigger shards amortise per-shard setup, more BGZF threads.
      {"wgs", "partition: {shard_size: 2000000}\nfilters: {decompress_threads: 2}\n"},
      // Throughput first: the RNN genotypes everything, the CNN is skipped.
      {"fast", "model: {cnn_gq_threshold: 0}\n"},
      // Accuracy first: more candidates go to the CNN.
      {"accurate", "model: {cnn_gq_threshold: 40}\n"},
      // Small inputs (demo, tests): small shards so several ranks get work.
      {"demo", "partition: {shard_size: 100000, margin: 500}\n"},
      // PacBio HiFi. Realignment off, as DeepVariant's PacBio mode: a long
      // read's aligner alignment is already good, and on simulated HiFi at
      // 30x (perf/RESULTS_longreads.md) the realigner lost SNP and indel F1
      // while costing half the run time. Indel candidates need a quarter of
      // the reads: homopolymer length errors reach 10-25% of the reads in
      // long runs, and the Illumina-trained models call many of them at the
      // 0.06 default (indel F1 0.94-0.96 -> 0.98; 0.35 starts losing true
      // hets).
      {"hifi", "assembly: {enabled: false}\ncandidates: {indel_min_fraction: 0.25}\n"},
      // Oxford Nanopore R10.4.1: as hifi, with a higher indel fraction for
      // its ~1% errors (simulated ONT at 30x: indel F1 0.47 -> 0.87 at 0.3).
      {"ont", "assembly: {enabled: false}\ncandidates: {indel_min_fraction: 0.3}\n"},
  };
  return p;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string suggest(const std::string& key) {
  std::string best;
  size_t best_d = 4;  // only close matches are worth suggesting
  auto consider = [&](const std::string& cand) {
    size_t d = edit_distance(key, cand);
    auto dot = cand.rfind('.');
    if (dot != std::string::npos) {
      // "min_mapq" at the top level is probably "filters.min_mapq".
      if (key == cand.substr(dot + 1)) d = 1;
    }
    if (d < best_d) best_d = d, best = cand;
  };
  for (const auto& f : fields()) consider(f.path);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

[[noreturn]] void config_error(const std::string& where, const std::string& msg) {
  throw Error(ErrorKind::Config, where + ": " + msg);
}

std::string mark_of(const std::string& source, const YAML::Mark& m) {
  if (m.line < 0) return source;
  return source + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// Applies one key's value, converting type errors into messages with the key path.
void apply_field(Config& cfg, const Field& f, const YAML::Node& value, const std::string& where) {
  try {
    f.set(cfg, value);
  } catch (const YAML::Exception&) {
    std::string got;
    if (value.IsScalar())
      got = "'" + value.Scalar() + "'";
    else if (value.IsSequence())
      got = "a list";
    else if (value.IsMap())
      got = "a mapping";
    else
      got = "nothing";
    config_error(where, "key '" + f.path + "' expects " + f.type + ", got " + got +
                            " (" + f.help + ")");
  } catch (const Error& e) {
    config_error(where, "key '" + f.path + "': " + e.what());
  }
}

// Walks a YAML mapping, applying known keys and rejecting unknown ones.
void apply_map(Config& cfg, const YAML::Node& node, const std::string& prefix,
               const std::string& source) {
  if (!node.IsMap())
    config_error(mark_of(source, node.Mark()),
                 prefix.empty() ? "the config must be a YAML mapping of key: value"
                                : "section '" + prefix + "' must be a mapping of key: value");
  for (const auto& kv : node) {
    // YAML allows any node as a key (`? - a`: a list); config keys are names.
    if (!kv.first.IsScalar())
      config_error(mark_of(source, kv.first.Mark()),
                   std::string("a key must be a plain name, not a ") +
                       (kv.first.IsSequence() ? "list" : kv.first.IsMap() ? "mapping" : "null") +
                       (prefix.empty() ? "" : " (in section '" + prefix + "')"));
    std::string key = kv.first.as<std::string>();
    std::string path = prefix.empty() ? key : prefix + "." + key;
    std::string where = mark_of(source, kv.first.Mark());
    if (const Field* f = find_field(path)) {
      apply_field(cfg, *f, kv.second, where);
    } else if (config_detail::is_section(path)) {
      apply_map(cfg, kv.second, path, source);
    } else {
      config_error(where, "unknown key '" + path + "'" + suggest(path) +
                              "; run 'dvhpc " + (cfg.command.empty() ? "call" : cfg.command) +
                              " --help' for the config reference");
    }
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    config_error(mark_of(source, e.mark), "YAML syntax error: " + e.msg);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw Error(ErrorKind::Input, "cannot read config file '" + path + "' (does it exist?)");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> n;
  for (const auto& p : presets()) n.push_back(p.first);
  return n;
}

Config load_config(const std::string& command, const std::string& path,
                   const std::vector<std::string>& overrides) {
  Config cfg;
  cfg.command = command;

  YAML::Node user;
  if (!path.empty()) {
    user = parse_yaml(read_file(path), path);
    if (user.IsNull()) user = YAML::Node(YAML::NodeType::Map);  // empty file
  }

  // Overrides are parsed first so that `--set preset=fast` picks the preset.
  std::vector<std::pair<std::string, YAML::Node>> sets;
  for (const auto& o : overrides) {
    auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      config_error("--set " + o, "expected key=value, e.g. --set filters.min_mapq=10");
    std::string key = o.substr(0, eq);
    sets.emplace_back(key, parse_yaml(o.substr(eq + 1), "--set " + key));
  }

  // The preset must be a name: a map or list under `preset:` is a config
  // error, not yaml-cpp's bad-conversion exception (found by
  // tests/fuzz/config_fuzz.cpp; kept as tests/fuzz/corpus/config/preset-map).
  auto preset_name = [](const YAML::Node& v, const std::string& where) {
    if (!v.IsScalar()) config_error(where, "expects a preset name, e.g. preset: fast");
    return v.as<std::string>();
  };
  std::string preset = "default";
  if (user.IsMap() && user["preset"]) preset = preset_name(user["preset"], path + ": key 'preset'");
  for (const auto& [k, v] : sets)
    if (k == "preset") preset = preset_name(v, "--set preset");
  auto it = std::find_if(presets().begin(), presets().end(),
                         [&](const auto& p) { return p.first == preset; });
  if (it == presets().end()) {
    std::string names;
    for (const auto& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
    config_error("preset", "unknown preset '" + preset + "' (known: " + names + ")");
  }
  if (!it->second.empty()) apply_map(cfg, YAML::Load(it->second), "", "preset " + preset);

  if (!path.empty()) apply_map(cfg, user, "", path);

  for (const auto& [key, value] : sets) {
    const Field* f = find_field(key);
    if (!f) config_error("--set " + key, "unknown key '" + key + "'" + suggest(key));
    apply_field(cfg, *f, value, "--set " + key);
  }

  validate(cfg);
  return cfg;
}

std::string Config::to_yaml() const {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& f : fields()) {
    std::string p = f.path;
    auto dot = p.find('.');
    if (dot == std::string::npos)
      root[p] = f.get(*this);
    else
      root[p.substr(0, dot)][p.substr(dot + 1)] = f.get(*this);
  }
  YAML::Emitter out;
  out << root;
  return out.c_str();
}

}  // namespace dvhpc

namespace dvhpc {

std::string config_reference() {
  Config defaults;
  std::ostringstream out;
  for (const auto& f : config_detail::fields()) {
    YAML::Emitter e;
    e << YAML::Flow << f.get(defaults);
    std::string def = e.c_str();
    if (def.empty() || def == "~") def = "\"\"";
    out << "  " << f.path << std::string(f.path.size() < 30 ? 30 - f.path.size() : 1, ' ') << f.type
        << ", default " << def << "\n      " << f.help << "\n";
  }
  return out.str();
}

}  // namespace dvhpc
