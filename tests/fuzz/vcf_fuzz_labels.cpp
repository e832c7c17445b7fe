// See vcf_fuzz_labels.hpp (part of the vcf fuzz target, vcf_fuzz.cpp).
#include "tests/fuzz/vcf_fuzz_labels.hpp"

#include "dvhpc/error.hpp"
#include "dvhpc/labels.hpp"

namespace dvhpc::fuzz {

void truth_labels(const std::string& vcf, const std::string& bed, const Reference& ref) {
  try {
    TruthSet truth(vcf, bed, ref);
    for (const auto& c : ref.contigs())
      for (int64_t p = 1; p + 1 < c.length; p += 7) {
        Candidate site;
        site.contig = c.name;
        site.pos = p;
        site.ref = ref.fetch(c.name, p, p + 2);
        site.alts = {site.ref.substr(0, 1), std::string(1, site.ref[0] == 'A' ? 'C' : 'A') + site.ref.substr(1)};
        ExampleQuery q;
        q.n_alts = 2;
        q.alt[0] = 0;
        q.alt[1] = 1;
        (void)truth.label(site, q);
      }
  } catch (const Error&) {
  }
}

}  // namespace dvhpc::fuzz
