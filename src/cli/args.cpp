#include <boost/program_options.hpp>

#include <sstream>

#include "dvhpc/cli.hpp"
#include "dvhpc/commands.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/error.hpp"

namespace po = boost::program_options;

namespace dvhpc {
namespace {

// `version` needs no config and is answered by main() itself.
constexpr const char* kVersionSummary = "print versions of dvhpc and its libraries, and the GPU support";

}  // namespace

std::vector<std::string> command_names() {
  std::vector<std::string> n;
  for (const auto& c : registered_commands()) n.push_back(c.name);
  n.emplace_back("version");
  return n;
}

std::string usage() {
  std::ostringstream o;
  o << "dvhpc: a parallel deep-learning germline variant caller\n\n"
       "usage: dvhpc COMMAND [config.yaml] [--set key=value ...] [--help]\n"
       "       mpirun -np N dvhpc COMMAND config.yaml\n\ncommands:\n";
  auto line = [&](const std::string& n, const std::string& summary) {
    o << "  " << n << std::string(n.size() < 16 ? 16 - n.size() : 1, ' ') << summary << "\n";
  };
  for (const auto& c : registered_commands()) line(c.name, c.summary);
  line("version", kVersionSummary);
  o << "\n'dvhpc COMMAND --help' lists the options and every config key.\n";
  return o.str();
}

CliArgs parse_cli(int argc, const char* const* argv) {
  CliArgs a;
  if (argc < 2) throw Error(ErrorKind::Config, "no command given\n\n" + usage());
  std::string first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    a.help = true;
    a.help_text = usage();
    return a;
  }
  if (first == "--version") first = "version";
  bool known = false;
  for (const auto& c : command_names()) known = known || c == first;
  if (!known) throw Error(ErrorKind::Config, "unknown command '" + first + "'\n\n" + usage());
  a.command = first;

  po::options_description opts("options");
  opts.add_options()("help,h", "show this help and the config reference")(
      "set,s", po::value<std::vector<std::string>>()->composing(),
      "override a config key: --set filters.min_mapq=10 (repeatable; values are YAML)")(
      "preset", po::value<std::string>(), "named preset (same as --set preset=NAME)")(
      "threads,t", po::value<int>(), "threads per rank (same as --set threads=N)")(
      "output,o", po::value<std::string>(), "output prefix (same as --set output=PREFIX)");
  if (a.command == "eval")
    opts.add_options()("truth", po::value<std::string>(), "truth VCF (truth.vcf)")(
        "bed", po::value<std::string>(), "confident-regions BED (truth.bed)")(
        "ref", po::value<std::string>(), "reference FASTA (reference)")(
        "calls", po::value<std::string>(), "calls VCF to score (eval.calls)")(
        "out", po::value<std::string>(), "output prefix for the CSV (output)");
  if (a.command == "train") opts.add_options()("resume", "continue from the last checkpoint");
  po::options_description hidden;
  hidden.add_options()("config", po::value<std::vector<std::string>>(), "config file");
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("config", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw Error(ErrorKind::Config, std::string(e.what()) + " (see 'dvhpc " + a.command + " --help')");
  }

  if (vm.count("help")) {
    std::ostringstream h;
    h << "usage: dvhpc " << a.command << " [config.yaml] [options]\n\n" << opts << "\npresets:";
    for (const auto& p : preset_names()) h << " " << p;
    h << "\n\nconfig keys (YAML; nested keys as sections, e.g. filters: {min_mapq: 10}):\n"
      << config_reference();
    a.help = true;
    a.help_text = h.str();
    return a;
  }
  if (vm.count("config")) {
    auto files = vm["config"].as<std::vector<std::string>>();
    if (files.size() > 1)
      throw Error(ErrorKind::Config, "one config file expected, got " + std::to_string(files.size()) +
                                         " ('" + files[1] + "' is extra); use --set for overrides");
    a.config_path = files[0];
  }
  if (a.command == "version") return a;

  auto map_flag = [&](const char* flag, const char* key) {
    if (vm.count(flag)) a.overrides.push_back(std::string(key) + "=" + vm[flag].as<std::string>());
  };
  map_flag("preset", "preset");
  map_flag("output", "output");
  map_flag("truth", "truth.vcf");
  map_flag("bed", "truth.bed");
  map_flag("ref", "reference");
  map_flag("calls", "eval.calls");
  map_flag("out", "output");
  if (vm.count("threads")) a.overrides.push_back("threads=" + std::to_string(vm["threads"].as<int>()));
  if (vm.count("set"))
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) a.overrides.push_back(s);
  a.resume = vm.count("resume") > 0;
  return a;
}

}  // namespace dvhpc
