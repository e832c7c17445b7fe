// Where a model file named in the config (model.rnn, model.cnn) is read from.
//
// The defaults are relative paths (models/rnn.h5, models/cnn.h5) because the
// shipped models travel with dvhpc, and dvhpc lives in three kinds of place:
// a build tree (models/ is in the source tree), an install or a relocatable
// bundle (scripts/bundle.sh; the models are in PREFIX/share/dvhpc/models),
// and a user's directory with models of its own. So a relative path P is
// looked for, in this order, at
//   1. P from the working directory (a model of your own wins),
//   2. EXE_DIR/../share/dvhpc/P, EXE_DIR being the directory of the running
//      executable (/proc/self/exe, links resolved): an installed dvhpc or a
//      bundle, wherever it was unpacked,
//   3. SOURCE_DIR/P, the source tree this binary was built from.
// The first file that exists is used. An absolute path is used as given.
// When no candidate exists the Error (Input) names the config key and every
// path that was tried, so a user sees why the installed models were missed.
#pragma once

#include <string>
#include <vector>

namespace dvhpc {

// Directory of the running executable with links resolved, or "" when it
// cannot be read (no /proc).
std::string executable_dir();

// The roots searched after the working directory, in order: EXE_DIR/../share/dvhpc
// (when executable_dir() is known) and the source tree dvhpc was built from.
std::vector<std::string> model_search_roots();

// The file to open for model path `path` of config key `key` (for messages):
// `path` itself if it exists (relative to the working directory), else, for
// a relative path, the first ROOT/path that exists, ROOT from `roots` in order.
// Throws Error(Input) listing every path tried when none exists.
std::string resolve_model_path(const std::string& path, const std::string& key,
                               const std::vector<std::string>& roots);

// resolve_model_path() over model_search_roots().
std::string resolve_model_path(const std::string& path, const std::string& key);

}  // namespace dvhpc
