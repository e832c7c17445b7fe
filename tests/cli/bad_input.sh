#!/usr/bin/env bash
# dvhpc called the way users call it, with broken inputs: each case must fail
# fast with exit code != 0 and one clear message, alone and under mpirun -np 2.
# usage: bad_input.sh DVHPC_BINARY SOURCE_DIR
set -u
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
data=$2/../shared/data/na12878_hg19_chr20_10mb_illumina
ref=$data/ucsc.hg19.chr20.unittest.fasta.gz
printf 'reference: ref.fa\nreads: [a.bam\n' > syntax.yaml
printf 'reads: a.bam\nfilters:\n  min_mapqq: 3\n' > unknown.yaml
printf 'reference: %s\nreads: missing.bam\n' "$ref" > missing_bam.yaml
printf 'threads: two\n' > type.yaml
printf 'preset:\n  fast: 1\n' > preset_map.yaml  # found by tests/fuzz/config_fuzz.cpp
fails=0
check() {  # check NAME EXPECTED_TEXT COMMAND...
  local name=$1 want=$2; shift 2
  local start=$SECONDS
  out=$(timeout 60 "$@" 2>&1); rc=$?
  if [ $rc -eq 0 ] || [ $rc -eq 124 ] || ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL $name (rc=$rc, wanted '$want'):"; echo "$out" | head -20; fails=$((fails + 1))
  elif [ $(grep -c "dvhpc: error" <<<"$out") -ne 1 ]; then
    echo "FAIL $name: expected exactly one error line:"; echo "$out"; fails=$((fails + 1))
  else
    echo "ok   $name (rc=$rc, $((SECONDS - start))s): $(grep "dvhpc: error" <<<"$out")"
  fi
}
for launcher in "" "mpirun -np 2 --oversubscribe"; do
  tag=${launcher:+ [np2]}
  check "syntax$tag" "syntax.yaml:3" $launcher "$bin" call syntax.yaml
  check "unknown key$tag" "unknown key 'filters.min_mapqq'" $launcher "$bin" call unknown.yaml
  check "wrong type$tag" "key 'threads' expects integer" $launcher "$bin" call type.yaml
  check "preset not a name$tag" "key 'preset': expects a preset name" $launcher "$bin" call preset_map.yaml
  check "bad command$tag" "unknown command 'cal'" $launcher "$bin" cal x.yaml
  check "bad option$tag" "unrecognised option '--bogus'" $launcher "$bin" call --bogus
  mkdir -p outdir
  check "output prefix is a folder$tag" "'outdir/' is a folder, not a path prefix" $launcher "$bin" simulate --set output=outdir/
  check "output prefix names a folder$tag" "'outdir' is a folder, not a path prefix" $launcher "$bin" simulate --set output=outdir
  if [ -e "$ref" ]; then
    check "missing BAM$tag" "alignment file 'missing.bam' does not exist" $launcher "$bin" call missing_bam.yaml
  fi
done
"$bin" version > version.txt || { echo "FAIL version exited non-zero"; fails=$((fails + 1)); }
for want in "htslib" "HDF5" "Kokkos" "OpenMP" "MPI" "CUDA support" "cuDNN support" "NCCL support" "GPU:"; do
  grep -q "$want" version.txt || { echo "FAIL version lacks '$want'"; fails=$((fails + 1)); }
done
echo "$fails failure(s)"
[ $fails -eq 0 ]
