#include "dvhpc/region.hpp"

#include <cctype>
#include <fstream>
#include <sstream>
#include <tuple>

#include "dvhpc/error.hpp"

namespace dvhpc {

bool Region::operator<(const Region& o) const {
  return std::tie(contig, begin, end) < std::tie(o.contig, o.begin, o.end);
}

std::string Region::to_string() const {
  if (whole_contig()) return contig;
  return contig + ":" + std::to_string(begin + 1) + "-" + std::to_string(end);
}

namespace {
[[noreturn]] void bad_region(const std::string& text, const std::string& why) {
  throw Error(ErrorKind::Config,
              "malformed region '" + text + "': " + why +
                  " (expected CONTIG, CONTIG:START or CONTIG:START-END, 1-based inclusive, "
                  "e.g. chr20:10,000,001-10,100,000)");
}

int64_t parse_position(const std::string& text, const std::string& field) {
  std::string digits;
  for (char c : field) {
    if (c == ',') continue;
    if (!std::isdigit(static_cast<unsigned char>(c))) bad_region(text, "'" + field + "' is not a number");
    digits += c;
  }
  if (digits.empty()) bad_region(text, "empty coordinate");
  if (digits.size() > 15) bad_region(text, "coordinate '" + field + "' is too large");
  return std::stoll(digits);
}
}  // namespace

Region parse_region(const std::string& text) {
  if (text.empty()) bad_region(text, "empty string");
  Region r;
  // Contig names may contain ':' (e.g. HLA-A*01:01); the coordinates are
  // after the last ':' only if what follows looks like coordinates.
  auto colon = text.rfind(':');
  std::string coords;
  if (colon != std::string::npos && colon + 1 < text.size() &&
      std::isdigit(static_cast<unsigned char>(text[colon + 1]))) {
    r.contig = text.substr(0, colon);
    coords = text.substr(colon + 1);
  } else if (colon != std::string::npos && colon + 1 == text.size()) {
    bad_region(text, "nothing after ':'");
  } else {
    r.contig = text;
    return r;
  }
  if (r.contig.empty()) bad_region(text, "empty contig name");
  for (char c : r.contig)
    if (std::isspace(static_cast<unsigned char>(c))) bad_region(text, "contig name contains whitespace");
  auto dash = coords.find('-');
  int64_t start = parse_position(text, coords.substr(0, dash));
  if (start < 1) bad_region(text, "positions are 1-based; start must be >= 1");
  r.begin = start - 1;
  if (dash == std::string::npos) {
    r.end = INT64_MAX;  // CONTIG:START means from START to the end, as in samtools
  } else {
    int64_t stop = parse_position(text, coords.substr(dash + 1));
    if (stop < start) bad_region(text, "end is before start");
    r.end = stop;
  }
  return r;
}

std::vector<Region> read_bed(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::Input, "cannot open BED file '" + path + "'");
  std::vector<Region> out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || line.rfind("track", 0) == 0 || line.rfind("browser", 0) == 0)
      continue;
    std::istringstream f(line);
    Region r;
    std::string b, e;
    if (!(f >> r.contig >> b >> e))
      throw Error(ErrorKind::Input, path + ":" + std::to_string(lineno) +
                                        ": a BED line needs at least 3 columns (contig, start, end)");
    try {
      size_t pb = 0, pe = 0;
      r.begin = std::stoll(b, &pb);
      r.end = std::stoll(e, &pe);
      if (pb != b.size() || pe != e.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw Error(ErrorKind::Input, path + ":" + std::to_string(lineno) + ": start/end '" + b + "', '" +
                                        e + "' are not integers");
    }
    if (r.begin < 0 || r.end < r.begin)
      throw Error(ErrorKind::Input, path + ":" + std::to_string(lineno) +
                                        ": need 0 <= start <= end (BED is 0-based, half-open)");
    if (r.end > r.begin) out.push_back(r);
  }
  return out;
}

}  // namespace dvhpc
