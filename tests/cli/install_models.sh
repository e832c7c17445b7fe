#!/usr/bin/env bash
# An installed dvhpc (cmake --install) reads the shipped models from its own
# share/dvhpc/models, not from the source tree, wherever it is started; a
# model of the user's own in the working directory wins; without the
# installed models it falls back to the source tree; a missing model is an
# error (exit 3) listing every path tried (include/dvhpc/model_path.hpp).
# usage: install_models.sh DVHPC_BINARY SOURCE_DIR
set -u
bin=$1 src=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.bash"
cli_setup
build=$(dirname "$bin")
cmake --install "$build" --prefix "$tmp/prefix" > install.log 2>&1 || { cat install.log; fail "cmake --install"; cli_finish install_models; }
inst=$tmp/prefix/bin/dvhpc
for f in bin/dvhpc share/dvhpc/models/rnn.h5 share/dvhpc/models/cnn.h5 share/dvhpc/configs/demo.yaml; do
  [ -e "prefix/$f" ] && ok "installed $f" || fail "not installed: $f"
done
"$inst" simulate --set progress=false --set log_level=warn --set simulate.genome_length=60000 \
  --set simulate.coverage=15 --set output=sim > sim.log 2>&1 || { cat sim.log; fail "simulate"; }
call() { # OUTPUT [--set ...]: runs the installed dvhpc from ./work, prints the models it logged
  (cd work && "$inst" call --set reference=../sim.fa --set reads=../sim.bam --set output="../$1" \
    --set progress=false --set threads=1 "${@:2}" > "../$1.log" 2>&1)
}
mkdir -p work
models() { grep -o 'RNN [^;]*; CNN [^ ]*' "$1.log"; }
call c1 && [ "$(models c1)" = "RNN $tmp/prefix/share/dvhpc/models/rnn.h5; CNN $tmp/prefix/share/dvhpc/models/cnn.h5" ] &&
  ok "the installed models are read" || fail "installed models not used: $(models c1 || cat c1.log)"
mkdir -p work/models && cp "$src/models/rnn.h5" work/models/rnn.h5
call c2 && [ "$(models c2)" = "RNN models/rnn.h5; CNN $tmp/prefix/share/dvhpc/models/cnn.h5" ] &&
  ok "a model in the working directory wins" || fail "working-directory model not used: $(models c2 || cat c2.log)"
rm -r work/models prefix/share/dvhpc/models
call c3 && [ "$(models c3)" = "RNN $src/models/rnn.h5; CNN $src/models/cnn.h5" ] &&
  ok "without installed models, the source tree's" || fail "source-tree fallback: $(models c3 || cat c3.log)"
call c4 --set model.cnn=models/none.h5
rc=$?
[ $rc = 3 ] && ok "a missing model exits 3" || fail "a missing model exited $rc"
grep -q "config key 'model.cnn': model file 'models/none.h5' not found; looked at 'models/none.h5' (from the working directory), '$tmp/prefix/share/dvhpc/models/none.h5', '$src/models/none.h5'" c4.log &&
  ok "the error lists every path tried" || fail "error message: $(grep error c4.log)"
cli_finish install_models
