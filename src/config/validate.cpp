// One validation pass over a fully merged Config: value ranges, then the
// inputs the command needs (existence and indexes), then the output prefix.
#include <sys/stat.h>
#include <unistd.h>

#include <htslib/sam.h>

#include <string>
#include <vector>

#include "dvhpc/config.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc {
namespace {

[[noreturn]] void bad(const std::string& key, const std::string& msg) {
  throw Error(ErrorKind::Config, "config key '" + key + "': " + msg);
}

[[noreturn]] void missing(const std::string& key, const std::string& msg) {
  throw Error(ErrorKind::Input, "config key '" + key + "': " + msg);
}

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void require_file(const std::string& key, const std::string& path, const std::string& what) {
  if (path.empty()) bad(key, "is required for this command (" + what + ")");
  if (!exists(path)) missing(key, what + " '" + path + "' does not exist");
  if (::access(path.c_str(), R_OK) != 0) missing(key, what + " '" + path + "' is not readable");
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
    missing(key, what + " '" + path + "' is empty (0 bytes): was it written completely?");
}

// An index older than its data file usually means the file was rewritten and
// not re-indexed; its offsets then point into other records, which reads as
// a corrupt file or, worse, as wrong reads. htslib only warns. Two seconds
// of slack, because a copy or a git checkout may write the index a moment
// before its file.
void require_fresh_index(const std::string& key, const std::string& data, const std::string& index,
                         const std::string& remake) {
  struct stat d, i;
  if (::stat(data.c_str(), &d) != 0 || ::stat(index.c_str(), &i) != 0) return;
  if (i.st_mtime + 2 < d.st_mtime)
    missing(key, "index '" + index + "' is older than '" + data + "' (" + std::to_string(d.st_mtime - i.st_mtime) +
                     " s): re-create it with: " + remake + " (or, if the file was only copied, touch the index)");
}

// What the reads file is, from its first bytes and header: BAM or CRAM,
// sorted by coordinate (an index needs it; region queries rely on it).
void require_sorted_alignments(const std::string& key, const std::string& path) {
  htsFile* fp = hts_open(path.c_str(), "r");
  if (!fp) missing(key, "cannot open alignment file '" + path + "'");
  const htsFormat* f = hts_get_format(fp);
  const htsExactFormat format = f->format;
  char* desc = hts_format_description(f);
  const std::string what = desc ? desc : "unknown";
  free(desc);
  std::string sort_order;
  if (format == bam || format == cram) {
    if (sam_hdr_t* h = sam_hdr_read(fp)) {
      kstring_t so = KS_INITIALIZE;
      if (sam_hdr_find_tag_hd(h, "SO", &so) == 0) sort_order = so.s;
      ks_free(&so);
      sam_hdr_destroy(h);
    } else {
      hts_close(fp);
      missing(key, "cannot read the header of '" + path + "': the file is truncated or corrupt");
    }
  }
  hts_close(fp);
  if (format == sam)
    missing(key, "'" + path + "' is SAM text, which cannot be queried by region: convert it with: samtools sort -o " +
                     path + ".bam " + path + " && samtools index " + path + ".bam");
  if (format != bam && format != cram)
    missing(key, "'" + path + "' is not a BAM or CRAM file (it looks like: " + what + ")");
  if (!sort_order.empty() && sort_order != "coordinate")
    missing(key, "'" + path + "' is sorted by '" + sort_order +
                     "', not by coordinate (@HD SO): sort and index it: samtools sort -o sorted.bam " + path +
                     " && samtools index sorted.bam");
}

void require_range(const std::string& key, double v, double lo, double hi) {
  if (!(v >= lo && v <= hi))
    bad(key, "value " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
                 std::to_string(hi) + "]");
}

void check_reference(const Config& c) {
  require_file("reference", c.reference, "reference FASTA");
  if (!exists(c.reference + ".fai"))
    missing("reference", "no index '" + c.reference + ".fai'; create it with: samtools faidx " +
                             c.reference);
  require_fresh_index("reference", c.reference, c.reference + ".fai", "samtools faidx " + c.reference);
  if (ends_with(c.reference, ".gz") && !exists(c.reference + ".gzi"))
    missing("reference", "bgzipped FASTA needs '" + c.reference +
                             ".gzi' (samtools faidx makes it; plain gzip is not supported: "
                             "recompress with bgzip)");
}

void check_reads(const Config& c) {
  if (c.reads.empty()) bad("reads", "is required for this command (BAM or CRAM path, or a list)");
  for (size_t i = 0; i < c.reads.size(); ++i) {
    const std::string& r = c.reads[i];
    std::string key = c.reads.size() > 1 ? "reads[" + std::to_string(i) + "]" : "reads";
    require_file(key, r, "alignment file");
    require_sorted_alignments(key, r);
    bool cram = ends_with(r, ".cram");
    std::string index;
    for (const std::string& i : cram ? std::vector<std::string>{r + ".crai", r.substr(0, r.size() - 5) + ".crai"}
                                     : std::vector<std::string>{r + ".bai", r + ".csi",
                                                                ends_with(r, ".bam") ? r.substr(0, r.size() - 4) + ".bai" : ""})
      if (index.empty() && !i.empty() && exists(i)) index = i;
    if (index.empty())
      missing(key, "no index for '" + r + "' (" + (cram ? ".crai" : ".bai or .csi") +
                       "); create it with: samtools index " + r);
    require_fresh_index(key, r, index, "samtools index " + r);
  }
}

void check_output_prefix(const std::string& prefix) {
  if (prefix.empty()) bad("output", "must be a path prefix, e.g. results/sample1");
  // A folder is not a prefix: 'out/' would write hidden files 'out/.vcf.gz'.
  struct stat pst;
  if (prefix.back() == '/' || (::stat(prefix.c_str(), &pst) == 0 && S_ISDIR(pst.st_mode))) {
    std::string dir = prefix;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    bad("output", "'" + prefix + "' is a folder, not a path prefix: give a name inside it, e.g. " + dir + "/sample1");
  }
  auto slash = prefix.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : prefix.substr(0, slash);
  if (dir.empty()) dir = "/";
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(ErrorKind::Output, "config key 'output': directory '" + dir +
                                       "' does not exist (create it, or choose another prefix)");
  if (::access(dir.c_str(), W_OK) != 0)
    throw Error(ErrorKind::Output, "config key 'output': directory '" + dir + "' is not writable");
}

}  // namespace

void validate(const Config& c) {
  if (c.threads < 0) bad("threads", "must be >= 0 (0 = automatic)");
  if (!(c.mpi_timeout >= 0)) bad("mpi_timeout", "must be >= 0 seconds (0 = no timeout)");
  if (c.filters.min_mapq < 0 || c.filters.min_mapq > 255) bad("filters.min_mapq", "must be in 0..255");
  if (c.filters.decompress_threads < 0) bad("filters.decompress_threads", "must be >= 0");
  if (c.candidates.min_base_quality < 0 || c.candidates.min_base_quality > 93)
    bad("candidates.min_base_quality", "must be in 0..93 (Phred)");
  if (c.candidates.min_count < 1) bad("candidates.min_count", "must be >= 1");
  require_range("candidates.snp_min_fraction", c.candidates.snp_min_fraction, 0.0, 1.0);
  require_range("candidates.indel_min_fraction", c.candidates.indel_min_fraction, 0.0, 1.0);
  if (c.assembly.min_events < 1) bad("assembly.min_events", "must be >= 1");
  if (c.assembly.padding < 0) bad("assembly.padding", "must be >= 0");
  if (c.assembly.max_window < 10 || c.assembly.max_window > 2000) bad("assembly.max_window", "must be in 10..2000");
  if (c.assembly.k_min < 5 || c.assembly.k_max < c.assembly.k_min || c.assembly.k_max > 64)
    bad("assembly.k_min", "need 5 <= k_min <= k_max <= 64 (k-mers are packed in 128 bits)");
  if (c.assembly.k_step < 1) bad("assembly.k_step", "must be >= 1");
  if (c.assembly.min_edge_weight < 1) bad("assembly.min_edge_weight", "must be >= 1");
  if (c.assembly.max_haplotypes < 1 || c.assembly.max_haplotypes > 256)
    bad("assembly.max_haplotypes", "must be in 1..256");
  if (c.partition.shard_size < 1000) bad("partition.shard_size", "must be >= 1000 bases");
  if (c.partition.margin < 0) bad("partition.margin", "must be >= 0");
  if (c.partition.min_n_run < 1) bad("partition.min_n_run", "must be >= 1");
  if (c.partition.schedule != "static" && c.partition.schedule != "dynamic")
    bad("partition.schedule", "must be static or dynamic, not '" + c.partition.schedule + "'");
  if (c.pileup.width < 3 || c.pileup.width % 2 == 0) bad("pileup.width", "must be odd and >= 3");
  if (c.pileup.feature_window < 3 || c.pileup.feature_window % 2 == 0)
    bad("pileup.feature_window", "must be odd and >= 3");
  if (c.pileup.max_reads < 1 || c.pileup.height < c.pileup.max_reads + 1)
    bad("pileup.height", "must exceed pileup.max_reads (reference rows + reads)");
  if (c.model.batch_size < 1) bad("model.batch_size", "must be >= 1");
  if (c.model.device != "auto" && c.model.device != "cpu" && c.model.device != "gpu")
    bad("model.device", "must be auto, cpu or gpu, not '" + c.model.device + "'");
  if (c.model.precision != "fp32" && c.model.precision != "bf16" && c.model.precision != "fp16")
    bad("model.precision", "must be fp32, bf16 or fp16, not '" + c.model.precision + "'");
  if (c.eval.match != "allele" && c.eval.match != "haplotype")
    bad("eval.match", "must be allele or haplotype, not '" + c.eval.match + "'");
  if (c.train.model != "rnn" && c.train.model != "cnn")
    bad("train.model", "must be rnn or cnn, not '" + c.train.model + "'");
  if (c.train.epochs < 1) bad("train.epochs", "must be >= 1");
  if (c.train.batch_size < 1) bad("train.batch_size", "must be >= 1");
  require_range("train.validation_fraction", c.train.validation_fraction, 0.0, 0.9);
  require_range("simulate.het_fraction", c.simulate.het_fraction, 0.0, 1.0);
  require_range("simulate.snp_rate", c.simulate.snp_rate, 0.0, 0.5);
  require_range("simulate.indel_rate", c.simulate.indel_rate, 0.0, 0.5);
  if (c.simulate.coverage <= 0) bad("simulate.coverage", "must be > 0");
  if (c.simulate.read_length < 30) bad("simulate.read_length", "must be >= 30");
  if (c.simulate.read_model != "illumina" && c.simulate.read_model != "hifi" && c.simulate.read_model != "ont")
    bad("simulate.read_model", "must be illumina, hifi or ont, not '" + c.simulate.read_model + "'");
  if (c.simulate.long_read_length != 0 && (c.simulate.long_read_length < 200 || c.simulate.long_read_length > 1e6))
    bad("simulate.long_read_length", "must be 0 (the model's) or in 200..1000000");
  require_range("simulate.long_read_error_rate", c.simulate.long_read_error_rate, 0.0, 0.2);
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
  bool ok = false;
  for (auto* l : levels) ok = ok || c.log_level == l;
  if (!ok) bad("log_level", "must be one of trace, debug, info, warn, error, off");

  const std::string& cmd = c.command;
  if (cmd == "call" || cmd == "make-examples") {
    check_reference(c);
    check_reads(c);
    if (!c.regions_bed.empty()) require_file("regions", c.regions_bed, "regions BED");
  }
  if (cmd == "make-examples") {
    // Truth is optional: without it the examples are unlabelled (-1), as
    // `call` needs them; with it, both files are needed (labels are only
    // trusted inside the confident regions).
    if (!c.truth.vcf.empty() || !c.truth.bed.empty()) {
      require_file("truth.vcf", c.truth.vcf, "truth VCF (or leave truth.vcf and truth.bed empty for unlabelled examples)");
      require_file("truth.bed", c.truth.bed, "confident-regions BED (or leave truth.vcf and truth.bed empty for unlabelled examples)");
    }
  }
  if (cmd == "train") {
    if (c.train.examples.empty()) bad("train.examples", "is required (example HDF5 files)");
    for (const auto& e : c.train.examples) require_file("train.examples", e, "example file");
    if (!c.train.init_weights.empty()) require_file("train.init_weights", c.train.init_weights, "model weights");
  }
  if (cmd == "eval") {
    require_file("truth.vcf", c.truth.vcf, "truth VCF");
    require_file("eval.calls", c.eval.calls, "call set VCF");
    if (!c.truth.bed.empty()) require_file("truth.bed", c.truth.bed, "confident-regions BED");
    if (!c.reference.empty()) check_reference(c);
  }
  if (c.gvcf_gq_band < 1 || c.gvcf_gq_band > 99) bad("gvcf_gq_band", "must be in 1..99");
  if (c.simulate.kind != "reads" && c.simulate.kind != "genotypes" && c.simulate.kind != "cohort")
    bad("simulate.kind", "must be reads, genotypes or cohort, not '" + c.simulate.kind + "'");
  if (c.simulate.trio && c.simulate.samples < 3) bad("simulate.trio", "needs simulate.samples >= 3");
  if (c.simulate.samples < 1) bad("simulate.samples", "must be >= 1");
  if (c.simulate.variants < 1) bad("simulate.variants", "must be >= 1");
  if (c.simulate.populations < 1 || c.simulate.populations > c.simulate.samples)
    bad("simulate.populations", "must be in 1..simulate.samples");
  require_range("simulate.fst", c.simulate.fst, 1e-6, 0.999);
  require_range("simulate.missing_rate", c.simulate.missing_rate, 0.0, 0.99);
  if (c.simulate.spectrum != "uniform" && c.simulate.spectrum != "neutral")
    bad("simulate.spectrum", "must be uniform or neutral, not '" + c.simulate.spectrum + "'");
  if (c.simulate.genotype_formats.empty()) bad("simulate.genotype_formats", "needs plink and/or h5");
  for (const auto& f : c.simulate.genotype_formats)
    if (f != "plink" && f != "h5") bad("simulate.genotype_formats", "entries must be plink or h5, not '" + f + "'");

  if (c.pca.method != "randomized" && c.pca.method != "exact")
    bad("pca.method", "must be randomized or exact, not '" + c.pca.method + "'");
  if (c.pca.components < 1 || c.pca.components > 1000) bad("pca.components", "must be in 1..1000");
  if (c.pca.oversample < 0 || c.pca.oversample > 1000) bad("pca.oversample", "must be in 0..1000");
  if (c.pca.power_iterations < 0 || c.pca.power_iterations > 100) bad("pca.power_iterations", "must be in 0..100");
  require_range("pca.min_maf", c.pca.min_maf, 0.0, 0.5);
  if (cmd == "pca") {
    if (c.pca.model.empty() && c.pca.input.empty())
      bad("pca.input", "is required (a PLINK prefix, an HDF5 genotype matrix or a VCF/BCF)");
    if (!c.pca.model.empty()) {
      require_file("pca.model", c.pca.model, "saved PCA (PREFIX.pca.h5)");
      if (c.pca.project.empty()) bad("pca.project", "is required with pca.model (the genotypes to project)");
    }
    if (!c.pca.labels.empty()) require_file("pca.labels", c.pca.labels, "label table (FID IID label)");
  }

  if (c.gp.folds < 2 || c.gp.folds > 1000) bad("gp.folds", "must be in 2..1000");
  if (c.gp.shrinkage != "reml" && c.gp.shrinkage != "loo")
    bad("gp.shrinkage", "must be reml or loo, not '" + c.gp.shrinkage + "'");
  require_range("gp.min_maf", c.gp.min_maf, 0.0, 0.5);
  if (c.gp.models.empty()) bad("gp.models", "needs at least one model (gblup, mlp, gcn, ensemble)");
  for (size_t i = 0; i < c.gp.models.size(); ++i) {
    const std::string& m = c.gp.models[i];
    if (m != "gblup" && m != "mlp" && m != "gcn" && m != "ensemble")
      bad("gp.models", "unknown model '" + m + "' (available: gblup, mlp, gcn, ensemble)");
    for (size_t j = 0; j < i; ++j)
      if (c.gp.models[j] == m) bad("gp.models", "'" + m + "' is listed twice");
  }
  // ---- gp.nn (mlp, gcn)
  if (c.gp.nn.hidden < 1) bad("gp.nn.hidden", "must be at least 1");
  if (c.gp.nn.hidden2 < 0) bad("gp.nn.hidden2", "must be 0 (one hidden layer) or more");
  if (c.gp.nn.epochs < 1) bad("gp.nn.epochs", "must be at least 1");
  if (c.gp.nn.gcn_epochs < 1) bad("gp.nn.gcn_epochs", "must be at least 1");
  if (c.gp.nn.batch < 1) bad("gp.nn.batch", "must be at least 1");
  if (!(c.gp.nn.learning_rate > 0)) bad("gp.nn.learning_rate", "must be > 0");
  if (!(c.gp.nn.gcn_learning_rate > 0)) bad("gp.nn.gcn_learning_rate", "must be > 0");
  require_range("gp.nn.weight_decay", c.gp.nn.weight_decay, 0.0, 1e3);
  require_range("gp.nn.gcn_weight_decay", c.gp.nn.gcn_weight_decay, 0.0, 1e3);
  if (!(c.gp.nn.dropout >= 0 && c.gp.nn.dropout < 1)) bad("gp.nn.dropout", "must be in [0, 1)");
  if (c.gp.nn.patience < 1) bad("gp.nn.patience", "must be at least 1");
  if (!(c.gp.nn.validation >= 0 && c.gp.nn.validation < 0.9)) bad("gp.nn.validation", "must be in [0, 0.9)");
  if (c.gp.nn.components < 0) bad("gp.nn.components", "must be 0 (all) or more");
  if (c.gp.nn.neighbours < 1) bad("gp.nn.neighbours", "must be at least 1");
  if (c.gp.nn.device != "cpu" && c.gp.nn.device != "gpu" && c.gp.nn.device != "auto")
    bad("gp.nn.device", "must be cpu, gpu or auto, not '" + c.gp.nn.device + "'");
  if (c.gp.nn.parallel != "data" && c.gp.nn.parallel != "tasks")
    bad("gp.nn.parallel", "must be data or tasks, not '" + c.gp.nn.parallel + "'");
  if (c.gp.models.size() == 1 && c.gp.models[0] == "ensemble")
    bad("gp.models", "the ensemble averages other models: add gblup, mlp or gcn");
  if (cmd == "gp") {
    if (c.gp.genotypes.empty())
      bad("gp.genotypes", "is required (a PLINK prefix, an HDF5 genotype matrix or a VCF/BCF)");
    if (!c.gp.predict_from.empty()) {
      require_file("gp.predict_from", c.gp.predict_from, "saved genomic prediction (PREFIX.gp.h5)");
    } else {
      require_file("gp.phenotypes", c.gp.phenotypes, "phenotype table (FID IID trait...)");
      if (!c.gp.folds_file.empty()) require_file("gp.folds_file", c.gp.folds_file, "fold table (FID IID fold)");
    }
  }

  if (c.joint.shard_size < 1000) bad("joint.shard_size", "must be >= 1000");
  if (cmd == "joint") {
    if (c.joint.gvcfs.empty()) bad("joint.gvcfs", "is required (gVCF paths, or a file with one path per line)");
    for (const auto& g : c.joint.gvcfs) require_file("joint.gvcfs", g, "gVCF (or list of gVCFs)");
  }

  if (cmd == "simulate" && !c.reference.empty()) check_reference(c);
  if (cmd == "simulate" && !c.simulate.variants_vcf.empty())
    require_file("simulate.variants_vcf", c.simulate.variants_vcf, "variants VCF");
  if (cmd == "call" || cmd == "make-examples" || cmd == "simulate" || cmd == "eval" || cmd == "train" || cmd == "pca" ||
      cmd == "joint" || cmd == "gp")
    check_output_prefix(c.output);
}

}  // namespace dvhpc
