#!/usr/bin/env bash
# Runs the OpenMP bundle (scripts/bundle.sh) in a bare Debian: a
# `debootstrap --variant=minbase bookworm` chroot, which has libstdc++ but no
# MPI, HDF5, htslib, oneDNN, BLAS or libgomp, like a lent GPU machine. Inside
# it: `dvhpc version` as an MPI singleton (no mpirun, no orted on PATH), then
# the built-in demo call on 2 ranks with the bundled mpirun, checking that the
# VCF and its index are written and that `dvhpc eval` finds the planted
# variants.
#
#   scripts/bundle_test.sh [BUNDLE.tar.xz]   (default: make one with scripts/bundle.sh)
#
# Needs root (chroot, mounts in a private mount namespace). The chroot is made
# once and cached in $DVHPC_CACHE/chroot-bookworm-minbase (DVHPC_CACHE
# defaults to ~/.cache/dvhpc); the test writes nothing into it but two empty
# mount points: the bundle and the outputs live in a temporary directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${DVHPC_CACHE:-$HOME/.cache/dvhpc}
chroot_dir=$cache/chroot-bookworm-minbase
die() { echo "bundle_test: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mounts)"

# ---------------------------------------------------------------- the chroot
if [ ! -f "$chroot_dir/.complete" ]; then
  if ! command -v debootstrap > /dev/null; then
    echo "bundle_test: installing debootstrap"
    apt-get update -q > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap > /dev/null
  fi
  # The mirror the machine's own apt uses (deb.debian.org by default).
  mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2> /dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "bundle_test: making a minbase bookworm chroot in $chroot_dir from $mirror (once)"
  start=$SECONDS
  rm -rf "$chroot_dir.tmp"
  mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$chroot_dir.tmp" "$mirror" > "$cache/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $cache/debootstrap.log"
  # A half-made chroot is never used: it is moved into place when complete.
  touch "$chroot_dir.tmp/.complete"
  rm -rf "$chroot_dir"
  mv "$chroot_dir.tmp" "$chroot_dir"
  echo "bundle_test: chroot made in $((SECONDS - start)) s"
fi
# The point of the test: none of the libraries the bundle carries is there.
for lib in libmpi.so libhdf5 libhts.so libdnnl.so libgomp.so libopenblas; do
  found=$(find "$chroot_dir/usr/lib" "$chroot_dir/lib" -name "$lib*" 2> /dev/null | head -n 1)
  [ -z "$found" ] || die "the chroot is not bare: it has ${found#"$chroot_dir"}"
done

# ---------------------------------------------------------------- the bundle
bundle=${1:-}
if [ -z "$bundle" ]; then
  out=$(bash "$root/scripts/bundle.sh") || die "scripts/bundle.sh failed"
  echo "$out"
  bundle=$(echo "$out" | sed -n 's/^bundle: \([^ ]*\) .*/\1/p' | tail -n 1)
fi
[ -f "$bundle" ] || die "no bundle '$bundle'"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$bundle" -C "$work"
name=$(basename "$bundle" .tar.xz)
[ -x "$work/$name/bin/dvhpc" ] || die "$bundle has no $name/bin/dvhpc"

# Inside the chroot the bundle is /opt/$name and the outputs go to /work.
# The private mount namespace (unshare) takes the mounts away when the test
# ends, however it ends; /proc, /sys and /dev are there as on any machine,
# and /tmp (Open MPI's session directory) is a fresh tmpfs.
cat > "$work/inside.sh" << EOF
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd /work/run
B=/opt/$name
echo "== inside: dvhpc version (MPI singleton; which mpirun: \$(command -v mpirun orted || echo none))"
\$B/bin/dvhpc version
echo "== inside: the demo call, 2 ranks (bundled mpirun)"
cp -r \$B/share/dvhpc/demo/demo-data . && mkdir -p demo-out
\$B/bin/mpirun -np 2 --oversubscribe \$B/bin/dvhpc call \$B/share/dvhpc/configs/demo.yaml
echo "== inside: dvhpc eval against the planted truth"
\$B/bin/dvhpc eval --truth demo-data/truth.vcf.gz --bed demo-data/confident.bed --ref demo-data/ref.fa \\
  --calls demo-out/demo.vcf.gz --out demo-out/demo
EOF
mkdir -p "$work/run"
echo "bundle_test: running $name in the chroot"
if ! unshare --mount --fork sh -c '
  set -e
  r=$1 w=$2 n=$3
  mount --make-rprivate /
  mkdir -p "$r/opt/$n" "$r/work"
  mount --bind "$w/$n" "$r/opt/$n"
  mount --bind "$w" "$r/work"
  mount -t tmpfs tmpfs "$r/tmp"
  mount -t proc proc "$r/proc"
  mount --rbind /sys "$r/sys"
  mount --rbind /dev "$r/dev"
  exec chroot "$r" /bin/bash /work/inside.sh' sh "$chroot_dir" "$work" "$name" 2>&1 | tee "$work/log"; then
  die "the bundle failed in the chroot"
fi

# ---------------------------------------------------------------- checks
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
check "dvhpc version ran" "grep -q '^dvhpc ' '$work/log'"
# No models/ in the working directory and no source tree in the chroot: the
# shipped models must be found beside the program.
check "models read from the bundle" "grep -q 'RNN /opt/$name/share/dvhpc/models/rnn.h5; CNN /opt/$name/share/dvhpc/models/cnn.h5' '$work/log'"
check "VCF and index written" "[ -s '$work/run/demo-out/demo.vcf.gz' ] && [ -s '$work/run/demo-out/demo.vcf.gz.tbi' ]"
check "VCF holds calls" "[ \"\$(zcat '$work/run/demo-out/demo.vcf.gz' | grep -vc '^#')\" -gt 100 ]"
# On the demo every planted variant is found (F1 1.0 for SNPs and indels
# with the shipped models); 0.9 leaves room for model changes, not for a
# broken bundle (wrong models, a library that computes differently).
for type in SNP INDEL; do
  f1=$(awk -F, -v t=$type '$1 == t && $2 == "ALL" {print $NF}' "$work/run/demo-out/demo.eval.csv" 2> /dev/null || true)
  check "$type F1 ${f1:-missing} >= 0.9" "awk -v f='${f1:-0}' 'BEGIN {exit !(f >= 0.9)}'"
done
[ "$fails" -eq 0 ] || die "$fails check(s) failed"
echo "bundle_test: $name passed in a bare bookworm chroot"
