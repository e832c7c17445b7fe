#!/usr/bin/env bash
# The README's config reference must be exactly what `dvhpc call --help` prints.
set -u
bin=$1 src=$2
diff <(sed -n '/<!-- config-reference:begin -->/,/<!-- config-reference:end -->/p' "$src/README.md" | sed '1,2d;$d' | sed '$d') \
     <("$bin" call --help | sed -n '/^config keys/,$p') && echo "1 passed, 0 failed"
