// Reads the HDF5 genotype-matrix layout (`call`'s PREFIX.h5, or one written
// by write_genotype_h5): each rank opens the file read-only on its own and
// reads its block of /genotypes rows as hyperslabs, in batches of at most
// 64 MB of int8, packing them to 2 bits as it goes.
#include <hdf5.h>

#include <algorithm>
#include <cstring>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/h5_handle.hpp"
#include "dvhpc/h5_read.hpp"
#include "genotype_io_detail.hpp"

namespace dvhpc::detail {

GenotypeMatrix read_genotype_h5(const Comm& comm, const std::string& path) {
  H5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (file.id < 0) throw Error(ErrorKind::Input, "cannot open '" + path + "' as HDF5");
  if (!h5_has(file.id, "/genotypes") || !h5_has(file.id, "/samples"))
    throw Error(ErrorKind::Input, "'" + path + "' is not a dvhpc genotype matrix: it needs /genotypes [variants, "
                                      "samples] and /samples (README \"PREFIX.h5\")");
  H5Handle d{H5Dopen2(file.id, "/genotypes", H5P_DEFAULT), H5Dclose};
  H5Handle fs{H5Dget_space(d.id), H5Sclose};
  if (H5Sget_simple_extent_ndims(fs.id) != 2) throw Error(ErrorKind::Input, "/genotypes in '" + path + "' is not 2-D");
  hsize_t dims[2];
  H5Sget_simple_extent_dims(fs.id, dims, nullptr);
  GenotypeMatrix m;
  m.total_variants = static_cast<int64_t>(dims[0]);
  const int64_t ns = static_cast<int64_t>(dims[1]);
  const auto iids = h5_read_strings(file.id, path, "/samples", 0, ns);
  const auto fids = h5_has(file.id, "/sample_fid") ? h5_read_strings(file.id, path, "/sample_fid", 0, ns) : iids;
  for (int64_t j = 0; j < ns; ++j) m.samples.push_back({fids[static_cast<size_t>(j)], iids[static_cast<size_t>(j)]});

  const auto [first, last] = rank_block(m.total_variants, comm.rank(), comm.size());
  const int64_t n = last - first;
  const auto chrom = h5_read_strings(file.id, path, "/calls/contig", first, n);
  const auto pos = h5_read_int64(file.id, path, "/calls/pos", first, n);
  const auto ref = h5_read_strings(file.id, path, "/calls/ref", first, n);
  const auto alt = h5_read_strings(file.id, path, "/calls/alt", first, n);
  const auto ids = h5_has(file.id, "/calls/id") ? h5_read_strings(file.id, path, "/calls/id", first, n)
                                             : std::vector<std::string>(static_cast<size_t>(n), ".");
  m.index.reserve(static_cast<size_t>(n));
  m.variants.reserve(static_cast<size_t>(n));
  m.packed.assign(static_cast<size_t>(n * m.row_bytes()), 0);
  for (int64_t i = 0; i < n; ++i) {
    const size_t k = static_cast<size_t>(i);
    VariantId v{chrom[k], pos[k], ids[k], alt[k], ref[k]};
    if (v.id.empty() || v.id == ".") v.id = synthetic_variant_id(v);
    m.index.push_back(first + i);
    m.variants.push_back(std::move(v));
  }
  const int64_t batch = std::max<int64_t>(1, (int64_t{64} << 20) / std::max<int64_t>(ns, 1));
  std::vector<int8_t> buf;
  for (int64_t r0 = 0; r0 < n; r0 += batch) {
    const int64_t rows = std::min(batch, n - r0);
    buf.resize(static_cast<size_t>(rows * ns));
    hsize_t start[2] = {static_cast<hsize_t>(first + r0), 0}, count[2] = {static_cast<hsize_t>(rows), dims[1]};
    H5Handle sel{H5Scopy(fs.id), H5Sclose};
    DVHPC_CHECK_H5(H5Sselect_hyperslab(sel.id, H5S_SELECT_SET, start, nullptr, count, nullptr));
    H5Handle ms{H5Screate_simple(2, count, nullptr), H5Sclose};
    DVHPC_CHECK_H5(H5Dread(d.id, H5T_NATIVE_INT8, ms.id, sel.id, H5P_DEFAULT, buf.data()));
    for (int64_t r = 0; r < rows; ++r) {
      uint8_t* row = m.row(r0 + r);
      const int8_t* g = buf.data() + r * ns;
      for (int64_t j = 0; j < ns; ++j) set_code(row, j, code_of(g[j]));
    }
  }
  return m;
}

}  // namespace dvhpc::detail
