#!/usr/bin/env bash
# libFuzzer targets (tests/fuzz/*_fuzz.cpp), built with Debian's clang under
# AddressSanitizer + UndefinedBehaviorSanitizer, each run for SECONDS over a
# copy of its seed corpus (tests/fuzz/corpus/<target>/, which also keeps
# every input that once crashed, so each run replays them first).
#
#   scripts/fuzz.sh [SECONDS]      # default 20 s per target (CI); 600 for a real search
#
# A crash, leak, sanitizer report or hang (> 10 s on one input) fails the
# script and leaves the input as build-fuzz/<target>/crash-*; fix the bug
# and add the input to the target's corpus as a regression test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-20}
out=$root/build-fuzz
mkdir -p "$out"
# Debian's clang, and its runtime package with libFuzzer and the sanitizers.
missing=()
for p in clang libclang-rt-dev; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root/include" -I"$root")
declare -A sources=(
  [region]="$root/src/core/region.cpp $root/src/core/error.cpp"
  [config]="$root/src/config/fields.cpp $root/src/config/load.cpp $root/src/config/validate.cpp $root/src/core/region.cpp $root/src/core/error.cpp -lyaml-cpp"
)
fails=0
for t in region config; do
  # shellcheck disable=SC2086
  clang++ "${flags[@]}" "$root/tests/fuzz/${t}_fuzz.cpp" ${sources[$t]} -o "$out/${t}_fuzz"
  rm -rf "$out/$t" && mkdir -p "$out/$t/corpus" && cp "$root/tests/fuzz/corpus/$t/"* "$out/$t/corpus/"
  log=$out/$t/fuzz.log
  if (cd "$out/$t" && "$out/${t}_fuzz" -max_total_time="$secs" -max_len=1024 -timeout=10 corpus > "$log" 2>&1); then
    echo "fuzz: $t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log"), no crash"
  else
    echo "fuzz: $t FAILED:"; grep -E "ERROR|SUMMARY|what\(\)|Test unit written" "$log" | head -8
    fails=$((fails + 1))
  fi
done
[ $fails -eq 0 ]
