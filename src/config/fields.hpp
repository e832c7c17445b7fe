// The table of every config key: its dotted path, type, help text, and how to
// read it from / write it to YAML. The parser, the unknown-key check, --help
// and Config::to_yaml() all use this one table, so they cannot disagree.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "dvhpc/config.hpp"

namespace dvhpc::config_detail {

struct Field {
  std::string path;  // "filters.min_mapq"
  std::string type;  // "integer", "number", "boolean", "string", "list of strings", ...
  std::string help;
  std::function<void(Config&, const YAML::Node&)> set;  // throws YAML::BadConversion
  std::function<YAML::Node(const Config&)> get;
};

const std::vector<Field>& fields();
const Field* find_field(const std::string& path);

// Sections are the first component of nested keys ("filters", "model", ...).
bool is_section(const std::string& name);

}  // namespace dvhpc::config_detail
