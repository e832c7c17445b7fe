// `dvhpc eval`: rank 0 does the (cheap, serial) work; the other ranks wait
// for its outcome so that an error on rank 0 still ends every rank.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "dvhpc/commands.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/eval.hpp"
#include "dvhpc/log.hpp"

namespace dvhpc {

namespace {

// Temp name then rename: a reader never sees a half-written CSV, and a
// failed run leaves no file that looks complete.
void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw Error(ErrorKind::Output, "cannot create '" + tmp + "': " + std::strerror(errno) +
                                         "; check that the directory of --out exists and is writable");
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw Error(ErrorKind::Output, "write failed on '" + tmp + "' (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw Error(ErrorKind::Output, "cannot rename '" + tmp + "' to '" + path + "': " + why);
  }
}

}  // namespace

DVHPC_COMMAND(run_eval, "eval",
              "score a call set against a truth VCF and confident BED") {
  ScopedStage stage(ctx.times, "eval");
  // Outcome of rank 0 as "<exit code>\n<message>", empty on success.
  std::string outcome;
  if (ctx.comm.is_root()) {
    try {
      EvalInputs in;
      in.truth_vcf = ctx.cfg.truth.vcf;
      in.calls_vcf = ctx.cfg.eval.calls;
      in.bed = ctx.cfg.truth.bed;
      in.reference = ctx.cfg.reference;
      in.haplotype_match = ctx.cfg.eval.match == "haplotype";
      const EvalResult r = evaluate(in);
      const std::string csv_path = ctx.cfg.output + ".eval.csv";
      write_atomically(csv_path, format_eval_csv(r));
      write_atomically(ctx.cfg.output + ".eval.errors.tsv", format_eval_errors(r));
      const std::string table = format_eval_table(r);
      std::fputs(table.c_str(), stdout);
      std::fflush(stdout);
      log::info("wrote {} and {}.eval.errors.tsv (every FN and FP)", csv_path, ctx.cfg.output);
    } catch (const Error& e) {
      outcome = std::to_string(e.exit_code()) + "\n" + e.what();
    } catch (const std::exception& e) {
      outcome = std::to_string(static_cast<int>(ErrorKind::Internal)) + "\ninternal error: " + e.what();
    }
  }
  outcome = ctx.comm.broadcast(outcome, 0);
  if (outcome.empty()) return;
  const size_t nl = outcome.find('\n');
  throw Error::on_all_ranks(static_cast<ErrorKind>(std::stoi(outcome.substr(0, nl))), outcome.substr(nl + 1));
}

}  // namespace dvhpc
