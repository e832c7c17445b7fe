#!/usr/bin/env bash
# `dvhpc eval` driven the way users drive it, on the shared NA12878 window:
# the table on stdout (once, also under mpirun -np 2), PREFIX.eval.csv with the
# same numbers, and one clear error for a missing truth file and for contig
# naming that differs between truth and calls.
# usage: eval_cli.sh DVHPC_BINARY SOURCE_DIR   (exit 77 = skipped)
set -u
bin=$1
data=$2/../shared/data/na12878_hg19_chr20_10mb_illumina
if [ ! -d "$data" ]; then echo "SKIP: no shared data at $data"; exit 77; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
truth=$data/test_nist.b37_chr20_100kbp_at_10mb.vcf.gz
bed=$data/test_nist.b37_chr20_100kbp_at_10mb.bed
ref=$data/ucsc.hg19.chr20.unittest.fasta.gz
calls=$data/baseline/na12878.bcftools.vcf.gz
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
# Fields 3-8 (TRUTH.TOTAL .. TP.GT) of the TYPE/FILTER row of a table.
row() { awk -v t="$2" -v f="$3" '$1 == t && $2 == f {print $3, $4, $5, $6, $7, $8}' "$1"; }

for launcher in "" "mpirun -np 2 --oversubscribe"; do
  tag=${launcher:+ [np2]}
  rm -f conf.eval.csv
  $launcher "$bin" eval --truth "$truth" --bed "$bed" --ref "$ref" --calls "$calls" --out conf \
    > conf.out 2> conf.err
  rc=$?
  [ $rc -eq 0 ] || { fail "eval exited $rc$tag"; cat conf.err; }
  [ "$(grep -c '^Type ' conf.out)" -eq 1 ] || fail "expected one table header on stdout$tag"
  grep -q '\[info\]' conf.out && fail "log lines on stdout$tag"
  [ "$(row conf.out SNP ALL)" = "45 45 0 45 0 45" ] || fail "SNP ALL row$tag: '$(row conf.out SNP ALL)'"
  [ "$(row conf.out INDEL ALL)" = "4 4 0 4 0 2" ] || fail "INDEL ALL row$tag: '$(row conf.out INDEL ALL)'"
  grep -q "left-aligned against the reference" conf.out || fail "normalisation note missing$tag"
  [ -f conf.eval.csv ] || fail "conf.eval.csv not written$tag"
done
head -1 conf.eval.csv | grep -qx 'Type,Filter,TRUTH.TOTAL,TRUTH.TP,TRUTH.FN,QUERY.TOTAL,QUERY.FP,TP.GT,METRIC.Recall,METRIC.Precision,METRIC.F1_Score' ||
  fail "CSV header: $(head -1 conf.eval.csv)"
grep -qx 'SNP,ALL,45,45,0,45,0,45,1.000000,1.000000,1.000000' conf.eval.csv || fail "CSV SNP row"
grep -qx 'INDEL,PASS,4,4,0,4,0,2,1.000000,1.000000,1.000000' conf.eval.csv || fail "CSV INDEL PASS row"
ls conf.eval.csv.tmp* > /dev/null 2>&1 && fail "temporary CSV left behind"
[ -s conf.eval.errors.tsv ] || fail "conf.eval.errors.tsv not written"

# Whole window (README: bcftools-norm scorer gives 185/18/1 SNP, 34/13/2 INDEL).
"$bin" eval --truth "$truth" --bed "$data/region_chr20_10000000_10100000.bed" --ref "$ref" \
  --calls "$calls" --out win > win.out 2> /dev/null || fail "whole-window eval failed"
[ "$(row win.out SNP ALL)" = "186 185 1 203 18 184" ] || fail "window SNP row: '$(row win.out SNP ALL)'"
[ "$(row win.out INDEL ALL)" = "36 34 2 47 13 29" ] || fail "window INDEL row: '$(row win.out INDEL ALL)'"
# No --ref: the output says indels were not left-aligned.
"$bin" eval --truth "$truth" --calls "$calls" --out noref > noref.out 2> /dev/null || fail "eval without --ref failed"
grep -q "NOT left-aligned" noref.out || fail "no-reference note missing"

check_error() {  # NAME EXPECTED_TEXT COMMAND...
  local name=$1 want=$2; shift 2
  out=$(timeout 60 "$@" 2>&1); rc=$?
  if [ $rc -eq 0 ] || [ $rc -eq 124 ] || ! grep -qF -- "$want" <<<"$out"; then
    fail "$name (rc=$rc, wanted '$want'):"; echo "$out" | head -20
  elif [ "$(grep -c 'dvhpc: error' <<<"$out")" -lt 1 ]; then
    fail "$name: no error line"; echo "$out"
  else
    echo "ok   $name (rc=$rc): $(grep 'dvhpc: error' <<<"$out" | head -1)"
  fi
}
for launcher in "" "mpirun -np 2 --oversubscribe"; do
  tag=${launcher:+ [np2]}
  out=$($launcher "$bin" eval --truth missing.vcf.gz --calls "$calls" 2>&1); rc=$?
  if [ $rc -ne 3 ] || [ "$(grep -c 'dvhpc: error' <<<"$out")" -ne 1 ] ||
     ! grep -qF "truth VCF 'missing.vcf.gz' does not exist" <<<"$out"; then
    fail "missing truth$tag (rc=$rc, want 3 and one error line):"; echo "$out"
  else
    echo "ok   missing truth$tag: $(grep 'dvhpc: error' <<<"$out")"
  fi
done
if command -v bgzip > /dev/null; then
  zcat "$calls" | sed -e 's/^chr20\t/20\t/' -e 's/ID=chr20,/ID=20,/' | bgzip > calls20.vcf.gz
  check_error "contig naming" "uses '20' but the truth VCF" "$bin" eval --truth "$truth" --calls calls20.vcf.gz
fi
printf '##fileformat=VCFv4.2\n##contig=<ID=chr20,length=63025520>\n##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\nchr20\tabc\t.\tA\tG\t.\t.\t.\tGT\t0/1\n' > badpos.vcf
check_error "malformed truth record" "record 1 is malformed" "$bin" eval --truth badpos.vcf --calls "$calls"
echo "$fails failure(s)"
[ $fails -eq 0 ]
