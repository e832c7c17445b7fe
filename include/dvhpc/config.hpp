// The configuration of every dvhpc command, as typed structs with defaults.
//
// YAML is parsed only in src/config/. Order of application (minimap2-style):
//   1. defaults (the member initialisers below)
//   2. the named preset (`preset:` key or --preset), e.g. "wgs", "fast", "demo"
//   3. the user's YAML keys
//   4. --set key=value overrides from the command line (dotted key paths)
//   5. validate(): one pass that checks values and that input files exist.
// Every error names the key path (e.g. "filters.min_mapq") and gives a hint.
// After load_config() returns, pass `const Config&` everywhere.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dvhpc/region.hpp"

namespace dvhpc {

// Which reads the loader keeps (defaults as DeepVariant's make_examples).
struct ReadFilterConfig {
  int min_mapq = 5;
  bool drop_duplicates = true;
  bool drop_secondary = true;
  bool drop_supplementary = true;
  bool drop_qc_fail = true;
  int decompress_threads = 1;  // htslib BGZF threads per rank
};

// Candidate thresholds (DeepVariant's very-sensitive caller).
struct CandidateConfig {
  int min_base_quality = 10;
  int min_count = 2;
  double snp_min_fraction = 0.12;
  double indel_min_fraction = 0.06;
};

// Local assembly and read realignment before counting (DeepVariant's
// realigner): windows where reads disagree about indels are assembled into
// haplotypes and the reads there are aligned again to their best haplotype.
struct AssemblyConfig {
  bool enabled = true;
  int min_events = 2;          // reads with an indel or soft clip at a position to assemble there
  int padding = 20;            // bases added either side of an active region
  int max_window = 300;        // longer regions keep the aligner's alignments
  int k_min = 10;              // de Bruijn k-mer sizes tried: k_min, k_min + k_step, ... k_max
  int k_max = 64;
  int k_step = 4;
  int min_edge_weight = 2;     // k-mer transitions seen in fewer reads are pruned
  int max_haplotypes = 16;     // best-scoring haplotypes kept per window
};

// How the genome is cut into work units.
struct PartitionConfig {
  int64_t shard_size = 1000000;  // bases per shard (1 Mb)
  int64_t margin = 1000;         // extra bases loaded either side of a shard
  int64_t min_n_run = 1000;      // runs of N at least this long are skipped
  // static: contiguous weight-balanced runs of shards per rank (outputs in
  // genome order on every rank); dynamic: ranks draw the next shard from a
  // shared counter, so none idles when the read-count estimate is off.
  std::string schedule = "static";
};

// Pileup image and count-feature geometry (shared by make-examples and call).
struct PileupConfig {
  int height = 100;          // rows: reference rows + reads
  int width = 221;           // columns centred on the candidate
  int max_reads = 95;        // reads kept per image (deterministic downsampling)
  bool insert_size_channel = false;
  int feature_window = 33;   // positions in the pileup-count features
};

// Model files and the two-tier genotyping policy of `call`.
struct ModelConfig {
  std::string rnn = "models/rnn.h5";
  std::string cnn = "models/cnn.h5";
  double cnn_gq_threshold = 20.0;  // candidates with RNN GQ below this go to the CNN
  int batch_size = 4096;
  std::string device = "auto";     // auto | cpu | gpu
  std::string precision = "fp32";  // fp32 | bf16 | fp16 (GPU only)
};

// Inputs for labelling (make-examples) and scoring (eval).
struct TruthConfig {
  std::string vcf;
  std::string bed;
};

// `dvhpc eval`: the call set to score against `truth`.
struct EvalConfig {
  std::string calls;
  std::string match = "allele";  // allele | haplotype
};

struct TrainConfig {
  std::vector<std::string> examples;  // example HDF5 files
  std::string model = "rnn";          // rnn | cnn
  std::string init_weights;           // start from these weights (fine-tuning); "" = random init
  int epochs = 10;
  int64_t max_steps = 0;              // stop after this many steps (0 = no limit)
  int batch_size = 256;
  double learning_rate = 1e-3;
  double weight_decay = 1e-4;
  int warmup_steps = 100;
  int checkpoint_every = 500;
  double validation_fraction = 0.1;
  int early_stop_patience = 3;
  uint64_t seed = 42;
};

struct SimulateConfig {
  int64_t genome_length = 1000000;  // used when no reference is given
  double coverage = 30.0;
  int read_length = 150;
  double insert_mean = 400.0;
  double insert_sd = 50.0;
  double snp_rate = 1e-3;
  double indel_rate = 1e-4;
  double het_fraction = 0.6;
  uint64_t seed = 1;
  std::string variants_vcf;  // plant these variants instead of random ones
  // Read technology: illumina (pairs: read_length, insert_*), hifi or ont
  // (single-end long reads, sim/long_reads.hpp).
  std::string read_model = "illumina";
  double long_read_length = 0;      // median long-read length; 0 = the model's (hifi 16 kb, ont 18 kb)
  double long_read_error_rate = 0;  // errors per base; 0 = the model's (hifi 0.001, ont 0.01)
  // kind: reads (a genome and its reads, above), genotypes (a genotype
  // matrix from the population model, sim/population.hpp) or cohort (reads
  // of `samples` genomes whose variants follow the population model).
  std::string kind = "reads";
  bool trio = false;               // cohort: the last 3 samples are father, mother, child
  int64_t samples = 1000;          // genotypes: samples, split evenly over the populations
  int64_t variants = 10000;        // genotypes: variants
  int populations = 5;             // genotypes: K populations
  double fst = 0.01;               // genotypes: Balding-Nichols F
  std::string spectrum = "uniform";  // ancestral frequencies: uniform (U(0.05, 0.95)) | neutral (1/p on [0.01, 0.5])
  double missing_rate = 0.0;       // genotypes: fraction of genotypes set missing
  std::vector<std::string> genotype_formats{"plink"};  // plink and/or h5
};

// `dvhpc pca`: principal components of a genotype matrix.
struct PcaConfig {
  std::string input;            // PLINK prefix, HDF5 genotype matrix or VCF/BCF
  int components = 10;
  std::string method = "randomized";  // randomized | exact
  int oversample = 5;           // extra random directions (randomized)
  int power_iterations = 7;     // passes over the data = power_iterations + 1
  double min_maf = 0.0;         // variants with a lower minor allele frequency are left out
  uint64_t seed = 1;
  std::string labels;           // FID IID label table: colours of the plot
  std::string project;          // genotypes of other samples to project onto the components
  std::string model;            // a saved PREFIX.pca.h5: project `project` with it, no fit
  bool plot = true;             // PREFIX.pca.png
};

// `dvhpc gp`: genomic prediction (cross-validated GBLUP and other models).
struct GpConfig {
  std::string genotypes;            // PLINK prefix, HDF5 genotype matrix or VCF/BCF
  std::string phenotypes;           // FID IID trait... table with a header line, NA missing
  std::vector<std::string> traits;  // empty = every trait of the table
  int folds = 5;                    // k of k-fold cross-validation (drawn with seed)
  uint64_t seed = 1;
  std::string folds_file;           // FID IID fold table (replaces folds/seed)
  std::vector<std::string> models{"gblup", "ensemble"};
  std::string shrinkage = "reml";   // reml | loo: how gblup chooses lambda
  bool standardize = true;          // gblup markers plink-standardised (the better on wheat and Arabidopsis) or centred
  double min_maf = 0.0;             // variants with a lower minor allele frequency are left out
  bool plot = true;                 // PREFIX.gp.png
  std::string predict_from;         // a saved PREFIX.gp.h5: predict gp.genotypes with it, no fit
  // the neural models mlp and gcn (gp.nn.*; src/gp/nn_features.hpp)
  struct Nn {
    int64_t hidden = 64, hidden2 = 0;  // hidden layer sizes (hidden2 = 0: one layer)
    int epochs = 200;                  // mlp: passes over the training samples
    int64_t batch = 32;
    double learning_rate = 1e-3, weight_decay = 0.03, dropout = 0.2;
    int patience = 20;                 // epochs without validation improvement before stopping
    uint64_t seed = 1;
    double validation = 0.15;          // inner validation share of each training set
    int64_t components = 0;            // input width cap (0 = every non-null component)
    int64_t neighbours = 10;           // gcn: k nearest neighbours
    int gcn_epochs = 400;              // gcn: full-batch steps
    double gcn_learning_rate = 1e-2, gcn_weight_decay = 1e-3;
    std::string parallel = "data";     // data: data-parallel training | tasks: whole folds dealt to ranks
    std::string device = "cpu";        // cpu | gpu | auto: the backend the networks train on
  } nn;
};

// `dvhpc joint`: per-sample gVCFs -> one cohort VCF and genotype matrix.
struct JointConfig {
  std::vector<std::string> gvcfs;  // paths, or one file listing a path per line
  int64_t shard_size = 100000;     // bases per region: the records held per sample at a time
  bool plink = false;              // also PREFIX.bed/.bim/.fam
};

struct Config {
  std::string command;                 // call | make-examples | train | eval | simulate | pca | joint | gp
  std::string preset = "default";
  std::string reference;               // FASTA (plain or bgzipped), needs .fai
  std::vector<std::string> reads;      // BAM/CRAM paths; several = several samples
  std::vector<Region> regions;         // empty = whole reference (minus N runs)
  std::string regions_bed;             // set when `regions:` named a BED file
  std::string output = "dvhpc_out";    // path prefix: PREFIX.vcf.gz, PREFIX.h5, ...
  int threads = 0;                     // per rank; 0 = all cores / ranks on the node
  std::string sample;                  // sample name when the BAM has no @RG SM
  std::map<std::string, std::string> contig_aliases;  // reads name -> reference name
  bool auto_chr_prefix = false;        // add/strip "chr" to match the reference
  std::string log_level = "info";
  bool progress = true;
  bool gvcf = false;                   // call: also PREFIX.g.vcf.gz (PREFIX.SAMPLE.g.vcf.gz per sample)
  int gvcf_gq_band = 5;                // reference blocks: GQ bands of this width
  double mpi_timeout = 600;            // seconds a rank waits in a collective before aborting the job (0 = never)

  ReadFilterConfig filters;
  CandidateConfig candidates;
  AssemblyConfig assembly;
  PartitionConfig partition;
  PileupConfig pileup;
  ModelConfig model;
  TruthConfig truth;
  EvalConfig eval;
  TrainConfig train;
  SimulateConfig simulate;
  PcaConfig pca;
  JointConfig joint;
  GpConfig gp;

  // The effective configuration as YAML (recorded as provenance in outputs).
  std::string to_yaml() const;
};

// Loads `path` (may be empty: defaults + preset + overrides only) for
// `command`, applying the order above. `overrides` are "key.path=value"
// strings. Throws Error(Config) / Error(Input) with the key path and a hint.
Config load_config(const std::string& command, const std::string& path,
                   const std::vector<std::string>& overrides);

// Checks values and input files; called by load_config, exposed for tests.
void validate(const Config& cfg);

// Names of the built-in presets, for --help.
std::vector<std::string> preset_names();

// Every key with its type, default and help, as a table for --help and docs.
std::string config_reference();

}  // namespace dvhpc
