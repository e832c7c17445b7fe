// The make-examples part of the vcf fuzz target, in a file of its own:
// labels.hpp (through example_query.hpp) and eval.hpp each declare a
// dvhpc::VariantType, so one translation unit cannot include both.
#pragma once

#include <string>

#include "dvhpc/reference.hpp"

namespace dvhpc::fuzz {

// Loads `vcf` as a truth set (TruthSet) with the confident regions `bed`
// and asks it the label of a SNP and a deletion candidate every 7 bases;
// dvhpc::Error is caught (a rejected input), anything else escapes.
void truth_labels(const std::string& vcf, const std::string& bed, const Reference& ref);

}  // namespace dvhpc::fuzz
