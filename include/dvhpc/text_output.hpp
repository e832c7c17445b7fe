// Small text outputs (sample tables, BEDs, eigenvectors) written whole by one
// process under a temporary name and renamed into place when complete, so no
// reader ever sees a partial file under the final name.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace dvhpc {

class Comm;

// This process writes `path` through write(out). Throws Error(Output) naming
// the file when it cannot be written or renamed (the temporary is removed).
void write_text_file(const std::string& path, const std::function<void(std::ostream&)>& write);

// Collective: rank 0 runs `step`; its error, if any, is thrown on every rank
// (Error(Output), prefixed by the rank) so no rank goes on alone.
void on_root(const Comm& comm, const std::function<void()>& step);

// Collective: write_text_file on rank 0, its outcome on every rank.
void write_text_on_root(const Comm& comm, const std::string& path,
                        const std::function<void(std::ostream&)>& write);

}  // namespace dvhpc
