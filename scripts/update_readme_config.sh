#!/usr/bin/env bash
# Regenerates the README's config reference from `dvhpc call --help`
# (tests/cli/readme_config.sh fails when the two differ).
#   scripts/update_readme_config.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build}/dvhpc
ref=$("$bin" call --help | sed -n '/^config keys/,$p')
python3 - "$root/README.md" "$ref" <<'PY'
import re, sys
path, ref = sys.argv[1], sys.argv[2]
text = open(path).read()
begin, end = "<!-- config-reference:begin -->", "<!-- config-reference:end -->"
new = f"{begin}\n```\n{ref}\n```\n{end}"
text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: new, text, flags=re.S)
open(path, "w").write(text)
PY
