#include "fields.hpp"

#include <algorithm>

namespace dvhpc::config_detail {
namespace {

using StrMap = std::map<std::string, std::string>;

// Type names users see in error messages.
template <typename T> const char* type_name();
template <> const char* type_name<int>() { return "integer"; }
template <> const char* type_name<int64_t>() { return "integer"; }
template <> const char* type_name<uint64_t>() { return "non-negative integer"; }
template <> const char* type_name<double>() { return "number"; }
template <> const char* type_name<bool>() { return "boolean (true/false)"; }
template <> const char* type_name<std::string>() { return "string"; }
template <> const char* type_name<std::vector<std::string>>() { return "string or list of strings"; }
template <> const char* type_name<std::map<std::string, std::string>>() { return "map of string to string"; }

template <typename T>
T convert(const YAML::Node& n) {
  if (!n.IsScalar()) throw YAML::BadConversion(n.Mark());
  return n.as<T>();
}
template <>
std::vector<std::string> convert(const YAML::Node& n) {
  // A single path is accepted where a list is expected: `reads: x.bam`.
  if (n.IsScalar()) return {n.as<std::string>()};
  if (!n.IsSequence()) throw YAML::BadConversion(n.Mark());
  std::vector<std::string> out;
  for (const auto& e : n) {
    if (!e.IsScalar()) throw YAML::BadConversion(e.Mark());
    out.push_back(e.as<std::string>());
  }
  return out;
}
template <>
std::map<std::string, std::string> convert(const YAML::Node& n) {
  if (!n.IsMap()) throw YAML::BadConversion(n.Mark());
  std::map<std::string, std::string> out;
  for (const auto& kv : n) {
    if (!kv.second.IsScalar()) throw YAML::BadConversion(kv.second.Mark());
    out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return out;
}

// One field bound to a member reached through `ref`.
template <typename T, typename Ref>
Field bind(std::string path, std::string help, Ref ref) {
  Field f;
  f.path = std::move(path);
  f.type = type_name<T>();
  f.help = std::move(help);
  f.set = [ref](Config& c, const YAML::Node& n) { ref(c) = convert<T>(n); };
  f.get = [ref](const Config& c) {
    YAML::Node n;
    n = ref(const_cast<Config&>(c));
    return n;
  };
  return f;
}

#define DVHPC_FIELD(T, path, member, help) \
  bind<T>(path, help, [](Config& c) -> T& { return c.member; })

std::vector<Field> make_fields() {
  std::vector<Field> f = {
      DVHPC_FIELD(std::string, "preset", preset, "named preset applied before your keys"),
      DVHPC_FIELD(std::string, "reference", reference, "reference FASTA (plain or bgzipped) with .fai"),
      DVHPC_FIELD(std::vector<std::string>, "reads", reads, "BAM/CRAM path or list; several = several samples"),
      DVHPC_FIELD(std::string, "output", output, "output path prefix: PREFIX.vcf.gz, PREFIX.h5, ..."),
      DVHPC_FIELD(int, "threads", threads, "threads per rank (0 = cores / ranks on the node)"),
      DVHPC_FIELD(std::string, "sample", sample, "sample name when the BAM has no @RG SM"),
      DVHPC_FIELD(StrMap, "contig_aliases", contig_aliases,
                  "map of reads contig name -> reference contig name"),
      DVHPC_FIELD(bool, "auto_chr_prefix", auto_chr_prefix, "add/strip 'chr' to match the reference"),
      DVHPC_FIELD(std::string, "log_level", log_level, "trace|debug|info|warn|error"),
      DVHPC_FIELD(bool, "progress", progress, "print rank-0 progress lines"),
      DVHPC_FIELD(bool, "gvcf", gvcf,
                  "call: also write a gVCF per sample (reference blocks + <*> records) for `joint`"),
      DVHPC_FIELD(int, "gvcf_gq_band", gvcf_gq_band, "gVCF reference blocks: width of the GQ bands below GQ 20 (one band from 20 up)"),
      DVHPC_FIELD(double, "mpi_timeout", mpi_timeout,
                  "seconds a rank may wait in a collective for the others before it ends the job (0 = never)"),

      DVHPC_FIELD(int, "filters.min_mapq", filters.min_mapq, "drop reads with MAPQ below this"),
      DVHPC_FIELD(bool, "filters.drop_duplicates", filters.drop_duplicates, "drop reads flagged duplicate"),
      DVHPC_FIELD(bool, "filters.drop_secondary", filters.drop_secondary, "drop secondary alignments"),
      DVHPC_FIELD(bool, "filters.drop_supplementary", filters.drop_supplementary, "drop supplementary alignments"),
      DVHPC_FIELD(bool, "filters.drop_qc_fail", filters.drop_qc_fail, "drop reads failing QC"),
      DVHPC_FIELD(int, "filters.decompress_threads", filters.decompress_threads, "htslib BGZF threads per rank"),

      DVHPC_FIELD(int, "candidates.min_base_quality", candidates.min_base_quality, "bases below this are not counted"),
      DVHPC_FIELD(int, "candidates.min_count", candidates.min_count, "reads supporting an allele"),
      DVHPC_FIELD(double, "candidates.snp_min_fraction", candidates.snp_min_fraction, "SNP allele fraction"),
      DVHPC_FIELD(double, "candidates.indel_min_fraction", candidates.indel_min_fraction, "indel allele fraction"),

      DVHPC_FIELD(bool, "assembly.enabled", assembly.enabled, "assemble and realign reads where indels disagree"),
      DVHPC_FIELD(int, "assembly.min_events", assembly.min_events, "reads with an indel/clip at a position to assemble"),
      DVHPC_FIELD(int, "assembly.padding", assembly.padding, "bases added around active regions"),
      DVHPC_FIELD(int, "assembly.max_window", assembly.max_window, "longer windows are not assembled"),
      DVHPC_FIELD(int, "assembly.k_min", assembly.k_min, "smallest de Bruijn k tried"),
      DVHPC_FIELD(int, "assembly.k_max", assembly.k_max, "largest de Bruijn k tried"),
      DVHPC_FIELD(int, "assembly.k_step", assembly.k_step, "step between k values"),
      DVHPC_FIELD(int, "assembly.min_edge_weight", assembly.min_edge_weight, "reads needed to keep a graph edge"),
      DVHPC_FIELD(int, "assembly.max_haplotypes", assembly.max_haplotypes, "haplotypes kept per window"),

      DVHPC_FIELD(int64_t, "partition.shard_size", partition.shard_size, "bases per shard"),
      DVHPC_FIELD(int64_t, "partition.margin", partition.margin, "bases loaded either side of a shard"),
      DVHPC_FIELD(std::string, "partition.schedule", partition.schedule,
                  "static (balanced contiguous runs) or dynamic (shared work counter)"),
      DVHPC_FIELD(int64_t, "partition.min_n_run", partition.min_n_run, "N runs this long are skipped"),

      DVHPC_FIELD(int, "pileup.height", pileup.height, "pileup image rows"),
      DVHPC_FIELD(int, "pileup.width", pileup.width, "pileup image columns (odd)"),
      DVHPC_FIELD(int, "pileup.max_reads", pileup.max_reads, "reads per pileup image"),
      DVHPC_FIELD(bool, "pileup.insert_size_channel", pileup.insert_size_channel, "add the insert-size channel"),
      DVHPC_FIELD(int, "pileup.feature_window", pileup.feature_window, "positions in count features (odd)"),

      DVHPC_FIELD(std::string, "model.rnn", model.rnn, "pileup-count Bi-LSTM weights (HDF5)"),
      DVHPC_FIELD(std::string, "model.cnn", model.cnn, "pileup-image CNN weights (HDF5)"),
      DVHPC_FIELD(double, "model.cnn_gq_threshold", model.cnn_gq_threshold, "RNN GQ below this goes to the CNN"),
      DVHPC_FIELD(int, "model.batch_size", model.batch_size, "inference batch size"),
      DVHPC_FIELD(std::string, "model.device", model.device, "auto|cpu|gpu"),
      DVHPC_FIELD(std::string, "model.precision", model.precision, "fp32|bf16|fp16 (GPU)"),

      DVHPC_FIELD(std::string, "truth.vcf", truth.vcf, "truth VCF (bgzipped, indexed)"),
      DVHPC_FIELD(std::string, "truth.bed", truth.bed, "confident regions BED"),
      DVHPC_FIELD(std::string, "eval.calls", eval.calls, "call set VCF to score"),
      DVHPC_FIELD(std::string, "eval.match", eval.match,
                  "allele: exact allele matching after normalisation; haplotype: then also clusters "
                  "that spell the same haplotype (needs reference)"),

      DVHPC_FIELD(std::vector<std::string>, "train.examples", train.examples, "example HDF5 files"),
      DVHPC_FIELD(std::string, "train.model", train.model, "rnn|cnn"),
      DVHPC_FIELD(std::string, "train.init_weights", train.init_weights,
                  "start from these weights (fine-tuning); empty = seeded random init"),
      DVHPC_FIELD(int, "train.epochs", train.epochs, "training epochs"),
      DVHPC_FIELD(int64_t, "train.max_steps", train.max_steps, "stop after this many steps (0 = no limit)"),
      DVHPC_FIELD(int, "train.batch_size", train.batch_size, "global batch size"),
      DVHPC_FIELD(double, "train.learning_rate", train.learning_rate, "peak Adam learning rate"),
      DVHPC_FIELD(double, "train.weight_decay", train.weight_decay, "decoupled weight decay"),
      DVHPC_FIELD(int, "train.warmup_steps", train.warmup_steps, "linear warm-up steps"),
      DVHPC_FIELD(int, "train.checkpoint_every", train.checkpoint_every, "steps between checkpoints"),
      DVHPC_FIELD(double, "train.validation_fraction", train.validation_fraction, "held-out fraction"),
      DVHPC_FIELD(int, "train.early_stop_patience", train.early_stop_patience, "epochs without improvement"),
      DVHPC_FIELD(uint64_t, "train.seed", train.seed, "random seed"),

      DVHPC_FIELD(int64_t, "simulate.genome_length", simulate.genome_length, "random genome length"),
      DVHPC_FIELD(double, "simulate.coverage", simulate.coverage, "mean depth"),
      DVHPC_FIELD(int, "simulate.read_length", simulate.read_length, "read length"),
      DVHPC_FIELD(double, "simulate.insert_mean", simulate.insert_mean, "mean fragment length"),
      DVHPC_FIELD(double, "simulate.insert_sd", simulate.insert_sd, "fragment length SD"),
      DVHPC_FIELD(double, "simulate.snp_rate", simulate.snp_rate, "SNPs per base"),
      DVHPC_FIELD(double, "simulate.indel_rate", simulate.indel_rate, "indels per base"),
      DVHPC_FIELD(double, "simulate.het_fraction", simulate.het_fraction, "fraction of variants het"),
      DVHPC_FIELD(uint64_t, "simulate.seed", simulate.seed, "random seed"),
      DVHPC_FIELD(std::string, "simulate.variants_vcf", simulate.variants_vcf,
                  "VCF of variants to plant (replaces the random ones)"),
      DVHPC_FIELD(std::string, "simulate.read_model", simulate.read_model,
                  "illumina (pairs) | hifi | ont (single-end long reads)"),
      DVHPC_FIELD(double, "simulate.long_read_length", simulate.long_read_length,
                  "median long-read length (0 = model's: hifi 16k, ont 18k)"),
      DVHPC_FIELD(double, "simulate.long_read_error_rate", simulate.long_read_error_rate,
                  "long-read errors per base (0 = model's: hifi 0.001, ont 0.01)"),
      DVHPC_FIELD(std::string, "simulate.kind", simulate.kind,
                  "reads (a genome, reads, truth) | genotypes (a genotype matrix of K populations) | "
                  "cohort (reads of simulate.samples genomes from the population model)"),
      DVHPC_FIELD(bool, "simulate.trio", simulate.trio, "cohort: the last 3 samples are father, mother and child"),
      DVHPC_FIELD(int64_t, "simulate.samples", simulate.samples, "genotypes: samples (split over the populations)"),
      DVHPC_FIELD(int64_t, "simulate.variants", simulate.variants, "genotypes: variants"),
      DVHPC_FIELD(int, "simulate.populations", simulate.populations, "genotypes: number of populations K"),
      DVHPC_FIELD(double, "simulate.fst", simulate.fst, "genotypes: Balding-Nichols F (differentiation)"),
      DVHPC_FIELD(std::string, "simulate.spectrum", simulate.spectrum,
                  "genotypes: ancestral allele frequencies, uniform (U(0.05,0.95)) | neutral (1/p on [0.01,0.5])"),
      DVHPC_FIELD(double, "simulate.missing_rate", simulate.missing_rate, "genotypes: fraction set missing"),
      DVHPC_FIELD(std::vector<std::string>, "simulate.genotype_formats", simulate.genotype_formats,
                  "genotypes: outputs, plink (PREFIX.bed/.bim/.fam) and/or h5 (PREFIX.h5)"),

      DVHPC_FIELD(std::vector<std::string>, "joint.gvcfs", joint.gvcfs,
                  "joint: per-sample gVCFs (bgzipped + .tbi), or one file listing a path per line"),
      DVHPC_FIELD(int64_t, "joint.shard_size", joint.shard_size, "joint: bases per region (each sample's records of one region are held at a time)"),
      DVHPC_FIELD(bool, "joint.plink", joint.plink, "joint: also write PREFIX.bed/.bim/.fam"),

      DVHPC_FIELD(std::string, "pca.input", pca.input, "genotypes: PLINK prefix, HDF5 matrix (.h5) or VCF/BCF"),
      DVHPC_FIELD(int, "pca.components", pca.components, "principal components"),
      DVHPC_FIELD(std::string, "pca.method", pca.method, "randomized (subspace iteration) | exact (LAPACK, small n)"),
      DVHPC_FIELD(int, "pca.oversample", pca.oversample, "extra random directions (randomized)"),
      DVHPC_FIELD(int, "pca.power_iterations", pca.power_iterations,
                  "power iterations (randomized); passes over the data = this + 1"),
      DVHPC_FIELD(double, "pca.min_maf", pca.min_maf, "leave out variants with a lower minor allele frequency"),
      DVHPC_FIELD(uint64_t, "pca.seed", pca.seed, "seed of the random start"),
      DVHPC_FIELD(std::string, "pca.labels", pca.labels, "FID IID label table: colours of PREFIX.pca.png"),
      DVHPC_FIELD(std::string, "pca.project", pca.project,
                  "genotypes of other samples to project -> PREFIX.projected.eigenvec"),
      DVHPC_FIELD(std::string, "pca.model", pca.model,
                  "a saved PREFIX.pca.h5 to project pca.project with (no fit; pca.input not needed)"),
      DVHPC_FIELD(bool, "pca.plot", pca.plot, "write PREFIX.pca.png"),

      DVHPC_FIELD(std::string, "gp.genotypes", gp.genotypes, "gp: genotypes, PLINK prefix, HDF5 matrix (.h5) or VCF/BCF"),
      DVHPC_FIELD(std::string, "gp.phenotypes", gp.phenotypes,
                  "gp: FID IID trait... table (header line; NA = missing; or IID trait...)"),
      DVHPC_FIELD(std::vector<std::string>, "gp.traits", gp.traits, "gp: traits to predict (empty = all)"),
      DVHPC_FIELD(int, "gp.folds", gp.folds, "gp: k of k-fold cross-validation"),
      DVHPC_FIELD(uint64_t, "gp.seed", gp.seed, "gp: seed of the fold assignment"),
      DVHPC_FIELD(std::string, "gp.folds_file", gp.folds_file, "gp: FID IID fold table (instead of gp.folds/seed)"),
      DVHPC_FIELD(std::vector<std::string>, "gp.models", gp.models, "gp: models, gblup, mlp, gcn and/or ensemble"),
      DVHPC_FIELD(std::string, "gp.shrinkage", gp.shrinkage,
                  "gp: gblup's lambda by reml (restricted likelihood) | loo (leave-one-out error)"),
      DVHPC_FIELD(bool, "gp.standardize", gp.standardize,
                  "gp: gblup markers plink-standardised (true) or centred only (false: sklearn Ridge's)"),
      DVHPC_FIELD(double, "gp.min_maf", gp.min_maf, "gp: leave out variants with a lower minor allele frequency"),
      DVHPC_FIELD(bool, "gp.plot", gp.plot, "gp: write PREFIX.gp.png"),
      DVHPC_FIELD(std::string, "gp.predict_from", gp.predict_from,
                  "gp: a saved PREFIX.gp.h5: predict gp.genotypes -> PREFIX.gp.predicted.tsv (no fit)"),
      // ---- gp.nn: mlp and gcn
      DVHPC_FIELD(int64_t, "gp.nn.hidden", gp.nn.hidden, "gp mlp/gcn: units of the first hidden layer"),
      DVHPC_FIELD(int64_t, "gp.nn.hidden2", gp.nn.hidden2, "gp mlp/gcn: units of a second hidden layer (0 = none)"),
      DVHPC_FIELD(int, "gp.nn.epochs", gp.nn.epochs, "gp mlp: most passes over the training samples"),
      DVHPC_FIELD(int64_t, "gp.nn.batch", gp.nn.batch, "gp mlp: global mini-batch (same at any rank count)"),
      DVHPC_FIELD(double, "gp.nn.learning_rate", gp.nn.learning_rate, "gp mlp: Adam learning rate"),
      DVHPC_FIELD(double, "gp.nn.weight_decay", gp.nn.weight_decay, "gp mlp: L2 weight decay"),
      DVHPC_FIELD(double, "gp.nn.dropout", gp.nn.dropout, "gp mlp/gcn: dropout after each hidden layer"),
      DVHPC_FIELD(int, "gp.nn.patience", gp.nn.patience, "gp mlp/gcn: epochs without validation improvement before stopping"),
      DVHPC_FIELD(uint64_t, "gp.nn.seed", gp.nn.seed, "gp mlp/gcn: seed of weights, batches, dropout, validation split"),
      DVHPC_FIELD(double, "gp.nn.validation", gp.nn.validation, "gp mlp/gcn: inner validation share of each training set"),
      DVHPC_FIELD(int64_t, "gp.nn.components", gp.nn.components, "gp mlp/gcn: input principal components (0 = all non-null)"),
      DVHPC_FIELD(int64_t, "gp.nn.neighbours", gp.nn.neighbours, "gp gcn: k of the k-nearest-neighbour sample graph"),
      DVHPC_FIELD(int, "gp.nn.gcn_epochs", gp.nn.gcn_epochs, "gp gcn: most full-batch steps"),
      DVHPC_FIELD(double, "gp.nn.gcn_learning_rate", gp.nn.gcn_learning_rate, "gp gcn: Adam learning rate"),
      DVHPC_FIELD(double, "gp.nn.gcn_weight_decay", gp.nn.gcn_weight_decay, "gp gcn: L2 weight decay"),
      DVHPC_FIELD(std::string, "gp.nn.parallel", gp.nn.parallel,
                  "gp mlp/gcn: data (data-parallel training of each fold) | tasks (whole folds dealt to ranks)"),
      DVHPC_FIELD(std::string, "gp.nn.device", gp.nn.device,
                  "gp mlp/gcn: cpu | gpu | auto (GPU when present); the networks are small: a GPU pays only for large cohorts"),
  };

  // `regions:` is special: a BED path or a list of region strings.
  Field regions;
  regions.path = "regions";
  regions.type = "BED path or list of region strings";
  regions.help = "where to work (default: the whole reference minus N runs)";
  regions.set = [](Config& c, const YAML::Node& n) {
    auto items = convert<std::vector<std::string>>(n);
    c.regions.clear();
    c.regions_bed.clear();
    auto is_bed = [](const std::string& s) {
      auto ends = [&s](const char* e) {
        std::string x(e);
        return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
      };
      return ends(".bed") || ends(".bed.gz");
    };
    if (items.size() == 1 && is_bed(items[0])) {
      c.regions_bed = items[0];
      return;
    }
    for (const auto& s : items) c.regions.push_back(parse_region(s));
  };
  regions.get = [](const Config& c) {
    YAML::Node n;
    if (!c.regions_bed.empty()) {
      n = c.regions_bed;
    } else {
      n = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& r : c.regions) n.push_back(r.to_string());
    }
    return n;
  };
  f.push_back(regions);
  return f;
}
#undef DVHPC_FIELD

}  // namespace

const std::vector<Field>& fields() {
  static const std::vector<Field> table = make_fields();
  return table;
}

const Field* find_field(const std::string& path) {
  for (const auto& f : fields())
    if (f.path == path) return &f;
  return nullptr;
}

bool is_section(const std::string& name) {
  for (const auto& f : fields())
    if (f.path.size() > name.size() && f.path.compare(0, name.size(), name) == 0 &&
        f.path[name.size()] == '.')
      return true;
  return false;
}

}  // namespace dvhpc::config_detail
