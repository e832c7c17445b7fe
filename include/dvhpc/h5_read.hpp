// Reading 1-D datasets of an HDF5 file opened by one rank on its own
// (independent, read-only: no collective call), with errors that name the
// file and the dataset.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dvhpc {

// Rows [row0, row0 + n) of a 1-D string dataset, fixed- or variable-length;
// n < 0: all rows.
std::vector<std::string> h5_read_strings(hid_t file, const std::string& path, const std::string& name,
                                         int64_t row0 = 0, int64_t n = -1);
// Rows [row0, row0 + n) of a numeric dataset (all elements when n < 0),
// converted to int64 / double / float.
std::vector<int64_t> h5_read_int64(hid_t file, const std::string& path, const std::string& name, int64_t row0 = 0,
                                   int64_t n = -1);
std::vector<double> h5_read_double(hid_t file, const std::string& path, const std::string& name, int64_t row0 = 0,
                                   int64_t n = -1);
std::vector<float> h5_read_float(hid_t file, const std::string& path, const std::string& name, int64_t row0 = 0,
                                 int64_t n = -1);
// Whether `name` exists in the file.
bool h5_has(hid_t file, const std::string& name);

}  // namespace dvhpc
