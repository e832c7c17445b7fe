#!/usr/bin/env bash
# Makes a relocatable dvhpc bundle, dist/dvhpc-VERSION-{openmp,cuda}.tar.xz:
# a `cmake --install` tree plus every shared library the program needs that
# a bare Linux lacks, so that it runs on a machine without MPI, HDF5, htslib
# or oneDNN (a lent GPU machine, a minbase Debian). Unpack it anywhere and
# run DIR/bin/dvhpc (README, "Bundle").
#
#   scripts/bundle.sh [--cuda] [--build DIR]
#
#   (default)    OpenMP bundle from scripts/setup.sh's build/ (CUDA off), or
#                from build-openmp/, configured here with
#                -DDVHPC_ENABLE_CUDA=OFF, when build/ links CUDA
#   --cuda       CUDA bundle from build-cuda/ (scripts/setup.sh --cuda); the
#                CUDA libraries are not packed: bin/dvhpc finds them at run time
#   --build DIR  bundle from this configured build directory instead
#
# Layout:
#   bin/dvhpc, bin/mpirun   launchers: set LD_LIBRARY_PATH and Open MPI's
#                           paths (OPAL_*, PMIX_*), then exec the real program
#   libexec/                dvhpc, orterun, orted (the real programs)
#   lib/                    the shared libraries; lib/openmpi, lib/pmix: the
#                           Open MPI and PMIx components (plugins)
#   lib/compat/             libstdc++ and libgcc_s, used only when the
#                           machine's libstdc++ is older than the program needs
#   share/openmpi, share/pmix, etc/   Open MPI's and PMIx's help texts and defaults
#   share/dvhpc/models, configs       the shipped models and example configs
#   share/dvhpc/demo/demo-data        the demo data set (scripts/make_demo_data.sh)
#   share/dvhpc/bundle-libs.txt       each packed library and its Debian package
# Prints "bundle: PATH SIZE"; fails when the bundle is 64 MiB or larger.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "bundle.sh: $*" >&2; exit 1; }
kind=openmp build=""
while [ $# -gt 0 ]; do
  case $1 in
    --cuda) kind=cuda ;;
    --build) [ $# -ge 2 ] || die "--build needs a directory"; build=$2; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
limit=$((64 * 1024 * 1024))
jobs=${DVHPC_JOBS:-$(nproc)}
for tool in ldd objdump strip xz ompi_info; do
  command -v $tool > /dev/null || die "needs '$tool' (scripts/setup.sh installs it)"
done

# ---------------------------------------------------------------- the build
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$2/CMakeCache.txt"; }
if [ -z "$build" ] && [ $kind = openmp ] && [ -f "$root/build/CMakeCache.txt" ] &&
   [ "$(cache_value DVHPC_ENABLE_CUDA "$root/build")" = OFF ]; then
  build=$root/build  # scripts/setup.sh's CPU build: no second build needed
elif [ -z "$build" ] && [ $kind = openmp ]; then
  build=$root/build-openmp
  if [ ! -f "$build/CMakeCache.txt" ]; then
    kokkos=$root/.deps/kokkos-openmp
    [ -f "$kokkos/lib/cmake/Kokkos/KokkosConfig.cmake" ] || die "no Kokkos in $kokkos; run scripts/setup.sh first"
    # CUDA off: the default build links cuDNN/cuBLAS/NCCL whenever nvcc is
    # found, and an OpenMP bundle must not need them.
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKokkos_ROOT="$kokkos" \
      -DDVHPC_ENABLE_CUDA=OFF -DDVHPC_BUILD_TESTS=OFF -DDVHPC_BUILD_PERF=OFF > /dev/null
  fi
elif [ -z "$build" ]; then
  build=$root/build-cuda
  [ -f "$build/CMakeCache.txt" ] ||
    die "no CUDA build in $build; make it with 'scripts/setup.sh --cuda' (needs nvcc), or name one with --build DIR"
fi
[ -f "$build/CMakeCache.txt" ] || die "'$build' is not a configured build directory (no CMakeCache.txt)"
build=$(cd "$build" && pwd)
cuda_on=$(cache_value DVHPC_ENABLE_CUDA "$build")
if [ $kind = openmp ] && [ "$cuda_on" = ON ]; then
  die "$build links CUDA (DVHPC_ENABLE_CUDA=ON): bundle it with --cuda, or use a build configured with -DDVHPC_ENABLE_CUDA=OFF"
fi
if [ $kind = cuda ] && [ "$cuda_on" != ON ]; then
  die "$build was configured without CUDA (DVHPC_ENABLE_CUDA=$cuda_on); make a CUDA build with 'scripts/setup.sh --cuda'"
fi
version=$(cache_value CMAKE_PROJECT_VERSION "$build")
[ -n "$version" ] || die "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"
# Build output to stderr: stdout is the summary that bundle_test.sh reads.
cmake --build "$build" --target dvhpc -j "$jobs" >&2 || die "building dvhpc in $build failed"

# The demo data set travels with the bundle so that the demo runs where
# ART, bwa and samtools do not exist.
demo=$root/demo-data
if [ ! -f "$demo/demo.bam.bai" ] || [ ! -f "$demo/truth.vcf.gz.tbi" ]; then
  "$root/scripts/make_demo_data.sh" "$demo" 30 > /dev/null || die "making the demo data set failed"
fi

# ---------------------------------------------------------------- the tree
name=dvhpc-$version-$kind
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/$name
cmake --install "$build" --prefix "$stage" --strip > /dev/null
mkdir -p "$stage/libexec" "$stage/lib/compat" "$stage/lib/openmpi" "$stage/lib/pmix" "$stage/etc" \
  "$stage/share/dvhpc/demo/demo-data"
# The real program in libexec/: its directory's ../share/dvhpc is where it
# finds the models (include/dvhpc/model_path.hpp); bin/dvhpc is the launcher.
mv "$stage/bin/dvhpc" "$stage/libexec/dvhpc"
for f in ref.fa ref.fa.fai demo.bam demo.bam.bai truth.vcf.gz truth.vcf.gz.tbi confident.bed; do
  cp "$demo/$f" "$stage/share/dvhpc/demo/demo-data/"
done

# Open MPI's own paths, as Debian's build reports them.
ompi_path() { ompi_info --path "$1" --parsable | sed -n "s/^path:$1://p" | head -n 1; }
ompi_bindir=$(ompi_path bindir) ompi_pkglibdir=$(ompi_path pkglibdir)
ompi_pkgdatadir=$(ompi_path pkgdatadir) ompi_sysconfdir=$(ompi_path sysconfdir)
for f in orterun orted; do
  [ -x "$ompi_bindir/$f" ] || die "no $ompi_bindir/$f (Debian package openmpi-bin)"
  cp "$ompi_bindir/$f" "$stage/libexec/"
done
cp -r "$ompi_pkgdatadir/." "$stage/share/openmpi/"
[ ! -f "$ompi_sysconfdir/openmpi-mca-params.conf" ] || cp "$ompi_sysconfdir/openmpi-mca-params.conf" "$stage/etc/"

# Components that drive cluster fabrics (UCX, libfabric/OFI, PSM, verbs)
# need tens of MB of drivers a single node does not use; Open MPI picks
# shared memory and TCP without them. OpenSHMEM's (liboshmem) serve no MPI
# program. Every other component is packed.
fabric='lib(ucp|uct|ucs|ucm|fabric|psm_infinipath|psm2|ibverbs|rdmacm|cuda|oshmem)\.so'
skipped=()
for c in "$ompi_pkglibdir"/mca_*.so; do
  deps=$(ldd "$c") # not piped into grep -q: pipefail would see ldd's SIGPIPE
  if grep -Eq "$fabric" <<< "$deps"; then skipped+=("$(basename "$c" .so)"); else cp "$c" "$stage/lib/openmpi/"; fi
done
# PMIx (Open MPI's process-management layer, used by mpirun) has its own
# components and help texts beside its library. Its Debian defaults file is
# left behind: all it says is where Debian keeps the components.
pmix_lib=$(ldconfig -p | awk '/libpmix\.so\.2 .*x86-64/ {print $NF; exit}')
[ -n "$pmix_lib" ] || die "no libpmix.so.2 (Debian package libpmix2)"
pmix_dir=$(dirname "$(readlink -f "$pmix_lib")")
cp "$pmix_dir"/pmix/*.so "$stage/lib/pmix/"
cp -r "$pmix_dir/../share/pmix/." "$stage/share/pmix/"

# ---------------------------------------------------------------- libraries
# Not packed, by soname:
#  - glibc and its loader: they must match each other and the kernel's
#    conventions, and every glibc Linux has them (the launcher checks the
#    version the program needs);
#  - the NVIDIA driver (libcuda, libnvidia-*): it must match the kernel module;
#  - with --cuda, the CUDA toolkit's libraries (cudart, cuBLAS, cuDNN, NCCL,
#    ...), which are large (cuDNN alone is several hundred MB) and which a GPU
#    machine has: the launcher finds them.
# libstdc++ and libgcc_s go to lib/compat (used only when needed, see the
# launcher). Everything else is packed, also what minbase Debian happens to
# have (zlib, libgomp is not even there): another distribution may lack it.
glibc='^(linux-vdso|ld-linux-x86-64|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libnsl|libmvec|libBrokenLocale|libthread_db|libnss_[a-z]+)\.so'
driver='^(libcuda|libnvidia-[a-z-]+)\.so'
cuda_libs='^(libcudart|libcublas|libcublasLt|libcudnn[a-z_]*|libnccl|libcufft|libcurand|libcusolver|libcusparse|libnvJitLink|libnvrtc|libnvToolsExt|libcupti)\.so'
compat='^(libstdc\+\+|libgcc_s)\.so'
elves=("$stage/libexec/dvhpc" "$stage/libexec/orterun" "$stage/libexec/orted" "$stage"/lib/openmpi/*.so "$stage"/lib/pmix/*.so)
declare -A packed=()
cuda_needed=()
: > "$tmp/libs.txt"
for elf in "${elves[@]}"; do
  while read -r soname path; do
    [[ $soname =~ $glibc || $soname =~ $driver ]] && continue
    if [[ $soname =~ $cuda_libs ]]; then
      [ $kind = cuda ] || die "$elf needs $soname, a CUDA library, in an OpenMP bundle"
      [[ " ${cuda_needed[*]} " == *" $soname "* ]] || cuda_needed+=("$soname")
      continue
    fi
    [ "$path" != "not" ] || die "$elf needs $soname, which is not found on this machine"
    [ -z "${packed[$soname]:-}" ] || continue
    packed[$soname]=$path
    dest=$stage/lib
    [[ $soname =~ $compat ]] && dest=$stage/lib/compat
    cp -L "$path" "$dest/$soname"
    echo "$soname $(dpkg -S "$(readlink -f "$path")" 2> /dev/null | cut -d: -f1 | head -n 1)" >> "$tmp/libs.txt"
  done < <(ldd "$elf" | awk '$2 == "=>" {print $1, $3}')
done
sort "$tmp/libs.txt" > "$stage/share/dvhpc/bundle-libs.txt"
chmod -R u+w "$stage"
find "$stage/lib" "$stage/libexec" -type f \( -name '*.so*' -o -perm -u+x \) -exec strip --strip-unneeded {} + 2> /dev/null ||
  true # a file strip does not understand is left as it is

# The newest glibc and libstdc++ symbol versions anything packed needs:
# the launcher compares them with the machine's.
versions=$(find "$stage/lib" "$stage/libexec" -type f -not -path '*/compat/*' -exec objdump -T {} + 2> /dev/null)
need_glibc=$(echo "$versions" | grep -o 'GLIBC_[0-9.]*[0-9]' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
need_glibcxx=$(echo "$versions" | grep -o 'GLIBCXX_[0-9.]*[0-9]' | sort -uV | tail -n 1)

# ---------------------------------------------------------------- launchers
# Both launchers share the environment part; bin/dvhpc also finds the CUDA
# libraries of a CUDA bundle.
env_part=$(cat << EOF
here=\$(dirname "\$(dirname "\$(readlink -f "\$0")")")
need_glibc=$need_glibc need_glibcxx=$need_glibcxx
have_glibc=\$(getconf GNU_LIBC_VERSION 2> /dev/null | awk '{print \$2}')
if [ -n "\$have_glibc" ] && ! awk -v h="\$have_glibc" -v n="\$need_glibc" \\
  'BEGIN { split(h, a, "."); split(n, b, "."); exit !(a[1] > b[1] || (a[1] == b[1] && a[2] >= b[2])) }'; then
  echo "dvhpc bundle: needs glibc \$need_glibc or newer, this machine has \$have_glibc; build dvhpc from source here (scripts/setup.sh)" >&2
  exit 127
fi
# Our libstdc++ only when the machine's is older than the program needs: a
# newer one of the machine's may be needed by its own libraries (the driver).
libs=\$here/lib
sys_cxx=\$( (ldconfig -p || /sbin/ldconfig -p) 2> /dev/null | awk '/libstdc\\+\\+\\.so\\.6 .*x86-64/ {print \$NF; exit}')
if [ -z "\$sys_cxx" ] || ! grep -q "\$need_glibcxx" "\$sys_cxx"; then libs=\$libs:\$here/lib/compat; fi
# Open MPI and PMIx look for their components, help texts and defaults
# under the prefix they were built for (/usr): point them here.
export OPAL_PREFIX="\$here" OPAL_EXEC_PREFIX="\$here" OPAL_BINDIR="\$here/libexec" OPAL_LIBDIR="\$here/lib" \\
  OPAL_PKGLIBDIR="\$here/lib/openmpi" OPAL_DATADIR="\$here/share" OPAL_PKGDATADIR="\$here/share/openmpi" \\
  OPAL_SYSCONFDIR="\$here/etc"
export PMIX_PREFIX="\$here" PMIX_EXEC_PREFIX="\$here" PMIX_BINDIR="\$here/libexec" PMIX_LIBDIR="\$here/lib" \\
  PMIX_PKGLIBDIR="\$here/lib/pmix" PMIX_DATADIR="\$here/share" PMIX_PKGDATADIR="\$here/share/pmix" \\
  PMIX_SYSCONFDIR="\$here/etc"
EOF
)
cuda_part=""
if [ $kind = cuda ]; then
  cuda_part=$(cat << EOF
# The CUDA libraries are not in the bundle. Looked for, in order, in
# DVHPC_CUDA_LIBS (directories, colon-separated), the CUDA toolkit
# (/usr/local/cuda*), the lib folders of Python's nvidia-* wheels
# (site-packages/nvidia/*/lib) and the system's library cache.
cuda_dirs=\${DVHPC_CUDA_LIBS:-}
for d in /usr/local/cuda /usr/local/cuda-*; do
  for s in lib64 lib targets/x86_64-linux/lib; do [ -d "\$d/\$s" ] && cuda_dirs=\$cuda_dirs:\$d/\$s; done
done
if command -v python3 > /dev/null; then
  for sp in \$(python3 -c 'import site; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2> /dev/null); do
    for d in "\$sp"/nvidia/*/lib; do [ -d "\$d" ] && cuda_dirs=\$cuda_dirs:\$d; done
  done
fi
missing="" found=""
for so in ${cuda_needed[*]}; do
  dir=""
  oldifs=\$IFS; IFS=:
  for d in \$cuda_dirs; do [ -n "\$d" ] && [ -e "\$d/\$so" ] && { dir=\$d; break; }; done
  IFS=\$oldifs
  if [ -n "\$dir" ]; then
    case ":\$found:" in *":\$dir:"*) ;; *) found=\$found:\$dir ;; esac
  elif ! (ldconfig -p || /sbin/ldconfig -p) 2> /dev/null | grep -q "\$so "; then
    missing="\$missing \$so"
  fi
done
if [ -n "\$missing" ]; then
  echo "dvhpc bundle: CUDA libraries not found:\$missing" >&2
  echo "  looked in: DVHPC_CUDA_LIBS, /usr/local/cuda*/{lib64,lib,targets/x86_64-linux/lib}, python3's site-packages/nvidia/*/lib, ldconfig -p" >&2
  echo "  install the CUDA toolkit and cuDNN/NCCL, or: pip install nvidia-cuda-runtime nvidia-cublas nvidia-cudnn-cu13 nvidia-nccl-cu13," >&2
  echo "  or set DVHPC_CUDA_LIBS to the directories that hold them" >&2
  exit 127
fi
libs=\$libs\$found
EOF
)
fi
# mpirun's default launcher (plm rsh) stops when neither ssh nor rsh exists,
# even for ranks on this node alone, which it forks itself; a bare machine
# has neither, so there it uses the launcher for one node (plm isolated).
mpirun_part=$(cat << 'EOF'
if [ -z "${OMPI_MCA_plm:-}" ] && [ -z "${SLURM_JOB_ID:-}" ] && ! command -v ssh > /dev/null && ! command -v rsh > /dev/null; then
  export OMPI_MCA_plm=isolated
fi
EOF
)
make_launcher() { # NAME PROGRAM
  {
    echo "#!/bin/sh"
    echo "# $name launcher: the bundle's libraries and Open MPI paths, then $2 (scripts/bundle.sh)."
    echo "$env_part"
    [ "$1" != dvhpc ] || [ -z "$cuda_part" ] || echo "$cuda_part"
    [ "$1" != mpirun ] || echo "$mpirun_part"
    echo "export LD_LIBRARY_PATH=\"\$libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
    echo "exec \"\$here/libexec/$2\" \"\$@\""
  } > "$stage/bin/$1"
  chmod 755 "$stage/bin/$1"
}
make_launcher dvhpc dvhpc
make_launcher mpirun orterun

# ---------------------------------------------------------------- the archive
mkdir -p "$root/dist"
out=$root/dist/$name.tar.xz
tar -C "$tmp" --owner=0 --group=0 --sort=name -cf - "$name" | xz -${DVHPC_XZ_LEVEL:-9} -T "$jobs" > "$out.tmp"
mv "$out.tmp" "$out"
size=$(stat -c %s "$out")
echo "packed $(wc -l < "$stage/share/dvhpc/bundle-libs.txt") libraries, $(ls "$stage/lib/openmpi" | wc -l) Open MPI components" \
  "(left out, fabric drivers and OpenSHMEM: ${skipped[*]:-none}); needs glibc $need_glibc, $need_glibcxx"
[ $kind = openmp ] || echo "found at run time: ${cuda_needed[*]}"
echo "unpacked: $(du -sm "$stage" | cut -f1) MiB"
echo "bundle: $out $(awk -v s="$size" 'BEGIN {printf "%.1f MiB", s / 1048576}')"
[ "$size" -lt $limit ] || die "$out is $size bytes, not under 64 MiB"
