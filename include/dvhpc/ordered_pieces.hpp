// Outputs assembled in genome order from pieces that ranks hold.
//
// Every rank holds some pieces of an output (one per finished shard: the
// BGZF bytes of its VCF records, its rows of a dataset), each with a global
// key (the shard index) that orders them. Only the sizes travel: one
// allgather of (key, sizes) gives every rank the offset of each of its pieces
// in the whole, and each rank then writes its own bytes there (MPI-IO here,
// parallel HDF5 hyperslabs in h5_file.hpp). No record crosses rank 0, and no
// rank holds more than the sizes of all pieces (16 bytes per shard and kind).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dvhpc {

class Comm;

struct PieceLayout {
  int64_t total = 0;             // sum over all ranks' pieces
  std::vector<int64_t> offsets;  // of this rank's pieces, in the order they were given
  std::vector<int64_t> sizes;    // of this rank's pieces
};

// Collective. `sizes[k][i]` is the size of this rank's piece `keys[i]` in
// output k (several outputs share one exchange). Keys are unique over all
// ranks; pieces are laid out in ascending key order. Returns one layout per output.
std::vector<PieceLayout> layout_pieces(const Comm& comm, const std::vector<int64_t>& keys,
                                       const std::vector<std::vector<int64_t>>& sizes);

// Collective: one piece per rank, `local` long, in rank order (outputs that
// are not per shard, such as a rank's in-memory rows).
PieceLayout rank_order_layout(const Comm& comm, int64_t local);

// Copies bytes [offset, offset + n) of this rank's piece `i` into `out`.
using PieceReader = std::function<void(size_t i, int64_t offset, int64_t n, char* out)>;

// Collective: writes a file of `head`, then every piece at head.size() + its
// offset, then `tail`; head and tail are taken from rank 0. Each rank writes
// its own pieces with MPI-IO in bounded chunks. A failure on any rank (a read,
// a write, a full disk) is thrown on every rank with that rank's message.
void write_pieces(const Comm& comm, const std::string& path, const std::string& head, const PieceLayout& layout,
                  const PieceReader& read, const std::string& tail);

}  // namespace dvhpc
