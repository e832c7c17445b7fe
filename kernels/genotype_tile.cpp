// Launchers of the genotype kernels on the default execution space (also
// compiled for CUDA in the CUDA build, scripts/setup.sh --cuda).
#include "kernels/genotype_tile.hpp"

namespace dvhpc::kernels {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

void count_codes(const uint8_t* packed, int64_t variants, int64_t row_bytes, int64_t n, int64_t* counts) {
  count_codes_on<Exec>(packed, variants, row_bytes, n, counts);
}

void decode_tile(const uint8_t* packed, int64_t variants, int64_t row_bytes, const int64_t* rows, const float* lut,
                 int64_t nr, int64_t n, float* tile) {
  if (nr == 0) return;
  const int64_t pieces = (row_bytes + kDecodeBytes - 1) / kDecodeBytes;
  DecodeTileFunctor<Mem> f{PackedRowsView<Mem>(packed, static_cast<size_t>(variants), static_cast<size_t>(row_bytes)),
                           RowIndexView<Mem>(rows, static_cast<size_t>(nr)),
                           CodeLutView<Mem>(lut, static_cast<size_t>(nr)),
                           TileView<Mem>(tile, static_cast<size_t>(nr), static_cast<size_t>(n)), n, pieces};
  Kokkos::parallel_for("dvhpc::decode_tile", Kokkos::RangePolicy<Exec>(0, nr * pieces), f);
  Kokkos::fence();
}

}  // namespace dvhpc::kernels
