#!/usr/bin/env bash
# The bad-input catalogue of `dvhpc call` (issue 19): broken or unusual reads,
# references, models, regions and output locations, each at 1 rank and under
# mpirun -np 2, with its exit code, its one message and no output left under
# a final name (checks: tests/cli/catalogue.bash). Ends with a full disk
# during the write and the resume once space is back.
# usage: bad_input_call.sh DVHPC_BINARY SOURCE_DIR   (exit 77 = skipped)
set -u
bin=$1 src=$2
. "$src/tests/cli/lib.bash"
. "$src/tests/cli/catalogue.bash"
cli_demo_setup "$src"
outs="o.vcf.gz o.h5 o.candidates.vcf.gz"
base=(call --set reference=data/ref.fa --set reads=data/demo.bam --set preset=demo --set threads=1
      --set progress=false --set output=o)
small=(--set "regions=[demo1:1-20000]")
call() { expect_error "$1" "$2" "$3" "$4" "$outs" -- "$bin" "${base[@]}" "${@:5}"; }

# ---- regions
call "region past the end of its contig" 3 "lies past the end of contig 'demo1'" once --set "regions=[demo1:200001-300000]"
call "region on a contig not in the reference" 3 "names contig 'chr9', which is not in the reference" once --set "regions=[chr9:1-100]"
printf 'demo1\tten\t100\n' > bad.bed
call "BED with a non-numeric start" 3 "bad.bed:1: start/end 'ten', '100' are not integers" once --set regions=bad.bed
printf 'demo1\t500\t100\n' > rev.bed
call "BED with end before start" 3 "rev.bed:1: need 0 <= start <= end" once --set regions=rev.bed
: > empty.bed
call "empty BED" 3 "regions BED 'empty.bed' is empty" once --set regions=empty.bed

# ---- reads
samtools view -H data/demo.bam | sed 's/SN:demo/SN:chrdemo/' > hdr.sam
samtools reheader hdr.sam data/demo.bam > chr.bam && samtools index chr.bam
call "reads on other contig names" 3 "chrdemo1" once --set reads=chr.bam
: > empty.bam
call "empty BAM" 3 "alignment file 'empty.bam' is empty (0 bytes)" once --set reads=empty.bam
echo "hello" > text.bam
call "a text file named .bam" 3 "'text.bam' is not a BAM or CRAM file" once --set reads=text.bam
samtools view -h data/demo.bam > reads.sam
call "SAM text instead of BAM" 3 "'reads.sam' is SAM text" once --set reads=reads.sam
head -c 1500000 data/demo.bam > cut.bam && cp data/demo.bam.bai cut.bam.bai
call "truncated BAM" 3 "error decoding 'cut.bam'" per-rank --set reads=cut.bam
cp data/demo.bam noidx.bam
call "BAM without an index" 3 "no index for 'noidx.bam'" once --set reads=noidx.bam
cp data/demo.bam old.bam && cp data/demo.bam.bai old.bam.bai && touch -d '-1 hour' old.bam.bai
call "BAM index older than the BAM" 3 "index 'old.bam.bai' is older than 'old.bam'" once --set reads=old.bam
samtools sort -n -o byname.bam data/demo.bam 2> /dev/null
call "BAM sorted by read name" 3 "'byname.bam' is sorted by 'queryname', not by coordinate" once --set reads=byname.bam
samtools view -h data/demo.bam | awk '/^@/ || NR % 7 != 0' | samtools view -b -o other.bam - && cp data/demo.bam.bai other.bam.bai
call "BAM with another file's index" 3 "its index belongs to another file" per-rank --set reads=other.bam "${small[@]}"
# A record whose CIGAR covers fewer bases than its SEQ. htslib will neither
# write nor index one, so the BAM is written uncompressed (BGZF level 0)
# twice, once valid and once with a shortened CIGAR: same block layout, and
# the valid twin's index serves both.
if /usr/bin/python3 -c "import pysam" 2> /dev/null; then
  /usr/bin/python3 - <<'PY'
import pysam
src = pysam.AlignmentFile("data/demo.bam")
good = pysam.AlignmentFile("good0.bam", "wb0", template=src)
bad = pysam.AlignmentFile("cigar.bam", "wb0", template=src)
for i, r in enumerate(src.fetch("demo1", 0, 20000)):
    good.write(r)
    ct = list(r.cigartuples or [])
    if i == 50 and ct and ct[-1][0] == 0 and ct[-1][1] > 20:
        ct[-1] = (0, ct[-1][1] - 10)
        r.cigartuples = ct
    bad.write(r)
good.close(); bad.close()
PY
  samtools index good0.bam && cp good0.bam.bai cigar.bam.bai
  call "CIGAR and sequence lengths differ" 3 "a record is malformed" per-rank --set reads=cigar.bam "${small[@]}"
else
  echo "skip CIGAR case: python3-pysam not installed"
fi
samtools view -h data/demo.bam | awk 'BEGIN { OFS = "\t" } /^@/ { print; next } { $11 = "*"; print }' |
  samtools view -b -o qstar.bam - && samtools index qstar.bam
expect_success "quality strings of '*' (taken as Q30)" "o.vcf.gz o.h5" -- "$bin" "${base[@]}" --set reads=qstar.bam "${small[@]}"
samtools view -h data/demo.bam | awk 'BEGIN { OFS = "\t" } /^@/ { print; next } NR % 3 == 0 { $10 = "*"; $11 = "*" } { print }' |
  samtools view -b -o zero.bam - && samtools index zero.bam
expect_success "zero-length reads (SEQ '*', skipped)" "o.vcf.gz o.h5" -- "$bin" "${base[@]}" --set reads=zero.bam "${small[@]}"
call "two BAMs of one sample" 3 "have the same sample name 'DEMO'" once --set "reads=[data/demo.bam, data/demo.bam]"

# ---- reference
: > empty.fa
call "empty FASTA" 3 "reference FASTA 'empty.fa' is empty (0 bytes)" once --set reference=empty.fa
head -c 100000 data/ref.fa > cut.fa && cp data/ref.fa.fai cut.fa.fai
call "truncated FASTA" 3 "cannot read demo1:1-150000 from reference 'cut.fa'" once --set reference=cut.fa
cp data/ref.fa nofai.fa
call "FASTA without .fai" 3 "no index 'nofai.fa.fai'" once --set reference=nofai.fa
cp data/ref.fa old.fa && cp data/ref.fa.fai old.fa.fai && touch -d '-1 hour' old.fa.fai
call "FASTA index older than the FASTA" 3 "index 'old.fa.fai' is older than 'old.fa'" once --set reference=old.fa
samtools view -C -T data/ref.fa -o reads.cram data/demo.bam && samtools index reads.cram
awk '/^>/ { print; next } { gsub(/A/, "C"); print }' data/ref.fa > other.fa && samtools faidx other.fa
call "CRAM against another reference" 3 "encoded against another reference" per-rank --set reads=reads.cram --set reference=other.fa
cp reads.cram noidx.cram
call "CRAM without .crai" 3 "no index for 'noidx.cram'" once --set reads=noidx.cram

# ---- models
call "model file missing" 3 "model file 'nothere.h5' not found; looked at" once --set model.rnn=nothere.h5
echo "not hdf5" > text.h5
call "model that is not HDF5" 3 "cannot open model 'text.h5': not an HDF5 file" once --set model.rnn=text.h5
head -c 20000 "$src/models/rnn.h5" > cut.h5
call "truncated model" 3 "cannot open model 'cut.h5'" once --set model.rnn=cut.h5
call "CNN weights given as the RNN" 3 "holds a 'pileup_cnn' network, not the 'pileup_rnn'" once --set model.rnn="$src/models/cnn.h5"
if /usr/bin/python3 -c "import h5py" 2> /dev/null; then
  /usr/bin/python3 -c "import h5py; h5py.File('nonet.h5', 'w').attrs['note'] = 'no weights'"
  call "HDF5 file without a network" 3 "model 'nonet.h5' holds no network" once --set model.rnn=nonet.h5
fi

# ---- output locations
mkdir -p outdir
expect_error "output prefix is a folder" 2 "'outdir' is a folder, not a path prefix" once "outdir.vcf.gz" -- \
  "$bin" "${base[@]}" --set output=outdir
expect_error "output folder missing" 4 "directory 'nodir' does not exist" once "nodir" -- \
  "$bin" "${base[@]}" --set output=nodir/x
# Root ignores file modes, so read-only and full folders are small tmpfs
# mounts (skipped where mounting is not allowed).
mkdir -p ro full
if mount -t tmpfs -o ro,size=64k tmpfs ro 2> /dev/null; then
  expect_error "read-only output folder" 4 "directory 'ro' is not writable" once "ro/x.vcf.gz" -- \
    "$bin" "${base[@]}" --set output=ro/x
  umount ro
else
  echo "skip read-only and full-disk cases: cannot mount tmpfs here"
fi
if mount -t tmpfs -o size=64k tmpfs full 2> /dev/null; then
  "$bin" "${base[@]}" --set output=ref > /dev/null 2>&1 || fail "reference run failed"
  expect_error "output folder full at the write" 4 "the outputs need about" once "full/x.vcf.gz full/x.h5" -- \
    "$bin" "${base[@]}" --set output=full/x
  ls full/x.shards/shard-*.spill > /dev/null 2>&1 && ok "finished shards kept for the resume" ||
    fail "no shard spill kept after the full-disk failure"
  mount -o remount,size=8m full
  log=$(mpirun -np 2 --oversubscribe "$bin" "${base[@]}" --set output=full/x 2>&1) || fail "rerun with space failed"
  grep -q "resuming: [1-9]" <<<"$log" && ok "rerun resumed from the kept shards" || fail "rerun did not resume"
  zcat full/x.vcf.gz | grep -v '^##' > a.txt; zcat ref.vcf.gz | grep -v '^##' > b.txt
  cmp -s a.txt b.txt && ok "resumed VCF records equal a clean run's" || fail "resumed VCF differs from a clean run"
  umount full
fi
cli_finish "bad-input (call)"
