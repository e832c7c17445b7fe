#!/usr/bin/env bash
# libFuzzer targets (tests/fuzz/*_fuzz.cpp), built with Debian's clang under
# AddressSanitizer + UndefinedBehaviorSanitizer (+ libstdc++'s container
# bounds checks), each run for SECONDS over a copy of its seed corpus
# (tests/fuzz/corpus/<target>/, which also keeps every input that once
# crashed, so each run replays them first). The builds go to build-fuzz/,
# apart from the CMake builds: only the sources a target reaches are
# compiled, so no dependency is rebuilt with clang.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]  # default 20 s per target (CI), every target
#   scripts/fuzz.sh 600                    # the issue's 10 minutes per target
#   scripts/fuzz.sh 600 reads              # one target
#
# Targets: region (region strings, BED), config (YAML loader + validation),
# vcf (eval truth/calls, make-examples truth labels, joint gVCF + joint
# genotyping, VCF genotype matrices), plink (PLINK 1 .bed/.bim/.fam, with a
# write/read round trip), reads (SAM text -> BAM -> ReadLoader -> allele
# counting kernel and candidates). Each target's header says what it checks.
#
# A crash, leak, sanitizer report or hang (> 10 s on one input) fails the
# script and leaves the input as build-fuzz/<target>/crash-* (or leak-*,
# timeout-*); fix the bug and add the input to the target's corpus as a
# regression test. New inputs found during a run stay in
# build-fuzz/<target>/corpus/ (the repo's corpus is not touched).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-20}
shift || true
all=(region config vcf plink reads)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
out=$root/build-fuzz
mkdir -p "$out"
# Debian's clang, and its runtime package with libFuzzer and the sanitizers;
# libomp-dev for clang's OpenMP (the reads target runs the Kokkos OpenMP kernels).
missing=()
for p in clang libclang-rt-dev libomp-dev; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -D_GLIBCXX_ASSERTIONS -I"$root/include" -I"$root")
read -r -a mpi_cflags <<< "$(mpicxx --showme:compile)"
read -r -a mpi_lflags <<< "$(mpicxx --showme:link)"
ccache=""; command -v ccache > /dev/null && ccache=ccache
kokkos=${Kokkos_ROOT:-$root/.deps/kokkos-openmp}
s=$root/src
core="$s/core/error.cpp $s/core/region.cpp"
mpi="$s/core/comm.cpp $s/core/collective_watchdog.cpp"
declare -A sources=(
  [region]="$core"
  [config]="$s/config/fields.cpp $s/config/load.cpp $s/config/validate.cpp $core -lyaml-cpp -lhts"
  [vcf]="$root/tests/fuzz/vcf_fuzz_labels.cpp $s/eval/variant_set.cpp $s/make_examples/labels.cpp $s/joint/gvcf_reader.cpp $s/joint/joint_genotyper.cpp
         $s/postprocess/genotype_call.cpp $s/genotypes/vcf_genotypes.cpp $s/genotypes/genotype_matrix.cpp
         $s/core/normalize.cpp $s/core/log.cpp $s/io/reference.cpp $mpi $core -lhts -lspdlog -lfmt"
  [plink]="$s/genotypes/plink_io.cpp $s/genotypes/genotype_matrix.cpp $s/output/ordered_pieces.cpp $mpi $core"
  [reads]="$s/io/reads.cpp $s/io/read_batch.cpp $s/io/contigs.cpp $s/io/reference.cpp $root/kernels/allele_count.cpp $root/kernels/device_reads.cpp
           $root/kernels/candidate_select.cpp $core -fopenmp -I$kokkos/include $kokkos/lib/libkokkoscontainers.a $kokkos/lib/libkokkoscore.a -ldl -lhts"
)
# Longest input tried: text formats need a few records; 1 KiB keeps the
# region and config searches where they were measured (perf/RESULTS.md).
declare -A max_len=([region]=1024 [config]=1024 [vcf]=4096 [plink]=2048 [reads]=4096)
fails=0
for t in "${targets[@]}"; do
  [ -n "${sources[$t]+x}" ] || { echo "fuzz: unknown target '$t' (targets: ${all[*]})" >&2; exit 2; }
  # One object per source (through ccache when there is one, so a rerun
  # compiles only what changed), then one link; "-..." words are flags.
  objs=() extra=()
  for w in "$root/tests/fuzz/${t}_fuzz.cpp" ${sources[$t]}; do
    case $w in
      -*|*.a) extra+=("$w") ;;
      *) o=$out/obj/$t/$(basename "${w%.cpp}").o; mkdir -p "$out/obj/$t"; objs+=("$o") ;;
    esac
  done
  i=0
  for w in "$root/tests/fuzz/${t}_fuzz.cpp" ${sources[$t]}; do
    case $w in -*|*.a) continue ;; esac
    # shellcheck disable=SC2046
    $ccache clang++ "${flags[@]}" "${mpi_cflags[@]}" $(printf '%s\n' "${extra[@]}" | grep -E '^-(I|f)' || true) \
      -c "$w" -o "${objs[$i]}"
    i=$((i + 1))
  done
  clang++ "${flags[@]}" "${objs[@]}" "${extra[@]}" "${mpi_lflags[@]}" -o "$out/${t}_fuzz"
  rm -rf "${out:?}/$t" && mkdir -p "$out/$t/corpus" && cp "$root/tests/fuzz/corpus/$t/"* "$out/$t/corpus/"
  log=$out/$t/fuzz.log
  # Open MPI's and OpenMP's own allocations at exit are not ours (scripts/sanitizers/lsan.supp).
  if (cd "$out/$t" && LSAN_OPTIONS=suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0 \
      OMPI_MCA_rmaps_base_oversubscribe=1 \
      "$out/${t}_fuzz" -max_total_time="$secs" -max_len="${max_len[$t]}" -timeout=10 corpus > "$log" 2>&1); then
    echo "fuzz: $t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log"), no crash"
  else
    echo "fuzz: $t FAILED:"; grep -E "ERROR|SUMMARY|what\(\)|Test unit written|runtime error" "$log" | head -8
    fails=$((fails + 1))
  fi
done
[ $fails -eq 0 ]
