#!/usr/bin/env bash
# The bad-input catalogue beyond `call` (issue 19): truth and call VCFs for
# eval, gVCFs for joint, PLINK sets for pca, phenotype tables for gp, and
# config files; each at 1 rank and under mpirun -np 2 (tests/cli/catalogue.bash).
# usage: bad_input_files.sh DVHPC_BINARY SOURCE_DIR   (exit 77 = skipped)
set -u
bin=$1 src=$2
. "$src/tests/cli/lib.bash"
. "$src/tests/cli/catalogue.bash"
cli_demo_setup "$src"
quiet=(--set progress=false --set log_level=warn --set threads=1)
"$bin" call --set reference=data/ref.fa --set reads=data/demo.bam --set preset=demo --set gvcf=true \
  --set output=g "${quiet[@]}" 2> /dev/null || fail "making a gVCF"
"$bin" simulate --set simulate.kind=genotypes --set simulate.samples=60 --set simulate.variants=400 \
  --set output=gt "${quiet[@]}" 2> /dev/null || fail "making genotypes"

# ---- eval: truth and call sets
ev=(eval --truth data/truth.vcf.gz --bed data/confident.bed --ref data/ref.fa --out o)
evo="o.summary.tsv"
: > empty.vcf.gz
expect_error "empty truth VCF" 3 "truth VCF 'empty.vcf.gz' is empty" once "$evo" -- \
  "$bin" eval --truth empty.vcf.gz --bed data/confident.bed --ref data/ref.fa --calls g.vcf.gz --out o
echo "not a vcf" > text.vcf
expect_error "call set that is not a VCF" 3 "calls VCF 'text.vcf' has no readable VCF header" once "$evo" -- \
  "$bin" "${ev[@]}" --calls text.vcf
head -c 3000 g.vcf.gz > cut.vcf.gz
expect_error "truncated call set" 3 "cannot parse calls VCF 'cut.vcf.gz'" once "$evo" -- "$bin" "${ev[@]}" --calls cut.vcf.gz
expect_error "call set missing" 3 "'missing.vcf.gz' does not exist" once "$evo" -- "$bin" "${ev[@]}" --calls missing.vcf.gz

# ---- joint: gVCFs
jo="o.vcf.gz o.h5"
expect_error "one sample's gVCF twice" 3 "are both of sample 'DEMO'" once "$jo" -- \
  "$bin" joint --set "joint.gvcfs=[g.g.vcf.gz, g.g.vcf.gz]" --set output=o "${quiet[@]}"
cp g.g.vcf.gz noidx.g.vcf.gz
expect_error "gVCF without its index" 3 "noidx.g.vcf.gz" once "$jo" -- \
  "$bin" joint --set "joint.gvcfs=[noidx.g.vcf.gz]" --set output=o "${quiet[@]}"
expect_error "gVCF list naming a missing file" 3 "gone.g.vcf.gz" once "$jo" -- \
  "$bin" joint --set "joint.gvcfs=[g.g.vcf.gz, gone.g.vcf.gz]" --set output=o "${quiet[@]}"

# ---- pca: PLINK sets
po="o.eigenvec o.eigenval o.pca.h5"
head -c 3000 gt.bed > cut.bed && cp gt.bim cut.bim && cp gt.fam cut.fam
expect_error "truncated .bed" 3 "'cut.bed' has 2997 bytes of genotypes" once "$po" -- \
  "$bin" pca --set pca.input=cut --set output=o "${quiet[@]}"
cp gt.bed short.bed && head -n 300 gt.bim > short.bim && cp gt.fam short.fam
expect_error ".bim with fewer variants than the .bed" 3 "short" once "$po" -- \
  "$bin" pca --set pca.input=short --set output=o "${quiet[@]}"
expect_error "PLINK prefix with no files" 3 "nothing" once "$po" -- \
  "$bin" pca --set pca.input=nothing --set output=o "${quiet[@]}"

# ---- gp: phenotype tables
go="o.gp.tsv o.gp.predictions.tsv o.gp.h5"
{ echo "FID IID y"; awk '{ print $1, $2, NR % 7 }' gt.fam; head -1 gt.fam | awk '{ print $1, $2, 1 }'; } > dup.pheno
expect_error "phenotype table with a duplicated ID" 3 "dup.pheno" once "$go" -- \
  "$bin" gp --set gp.genotypes=gt --set gp.phenotypes=dup.pheno --set output=o "${quiet[@]}"
{ echo "FID IID y"; awk '{ print $1, $2, (NR == 5 ? "tall" : NR % 7) }' gt.fam; } > word.pheno
expect_error "phenotype that is not a number" 3 "word.pheno" once "$go" -- \
  "$bin" gp --set gp.genotypes=gt --set gp.phenotypes=word.pheno --set output=o "${quiet[@]}"

# ---- config files
printf 'reference: ref.fa\nreads: [a.bam\n' > syntax.yaml
expect_error "YAML syntax error" 2 "syntax.yaml:3" once "" -- "$bin" call syntax.yaml
printf 'reads: a.bam\nfilters:\n  min_mapqq: 3\n' > unknown.yaml
expect_error "misspelt key" 2 "unknown key 'filters.min_mapqq'" once "" -- "$bin" call unknown.yaml
printf 'threads: two\n' > type.yaml
expect_error "value of the wrong type" 2 "key 'threads' expects integer" once "" -- "$bin" call type.yaml
expect_error "config file missing" 3 "cannot read config file 'nope.yaml'" once "" -- "$bin" call nope.yaml
cli_finish "bad-input (other files)"
