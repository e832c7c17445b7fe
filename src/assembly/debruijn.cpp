// De Bruijn graph assembly (debruijn.hpp). Choices and why:
// - k-mers are packed 2 bits/base into two 64-bit words (k <= 64) and found
//   through an open-addressing table sized once per call: no strings, no
//   allocation per k-mer. A node's out-edges are indexed by the next base, so
//   successors are visited A<C<G<T whatever the node ids are (ids follow read
//   order, the output must not).
// - Path score = sum over edges of log10((w+1) / sum of (w'+1) over the
//   node's live out-edges), GATK's multiplicity normalised by out-degree.
//   Non-branching stretches score 0, so a haplotype is neither favoured nor
//   penalised for its length (an insertion path is longer than the
//   reference, a deletion path shorter); only the share of reads taking each
//   branch counts. The +1 keeps reference edges no read covers (a hom-alt
//   site) finite. Ties are broken by the sequence.
// - Paths are counted by dynamic programming over the topological order
//   before any is spelled; more than kMaxPaths fails the k, so a dense graph
//   costs O(nodes), never an exponential search.
#include "debruijn.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace dvhpc::assembly {
namespace {

constexpr int kMaxK = 64;
constexpr int64_t kMaxPaths = 10000;
constexpr char kBases[4] = {'A', 'C', 'G', 'T'};

struct Kmer {
  uint64_t hi = 0, lo = 0;
  bool operator==(const Kmer& o) const { return hi == o.hi && lo == o.lo; }
};

// Appends a base to a k-mer and drops its oldest, keeping the low 2k bits.
struct Roller {
  uint64_t mask_hi, mask_lo;
  explicit Roller(int k)
      : mask_hi(k <= 32 ? 0 : k == 64 ? ~0ull : (1ull << (2 * (k - 32))) - 1),
        mask_lo(k >= 32 ? ~0ull : (1ull << (2 * k)) - 1) {}
  Kmer push(const Kmer& m, unsigned b) const {
    return {((m.hi << 2) | (m.lo >> 62)) & mask_hi, ((m.lo << 2) | b) & mask_lo};
  }
};

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

int ref_code(char c) { return c == 'A' ? 0 : c == 'C' ? 1 : c == 'G' ? 2 : c == 'T' ? 3 : 4; }

struct Node {
  Kmer key;
  int32_t out[4];        // successor by next base, -1 none
  int32_t weight[4];     // reads supporting that edge
  int32_t last_read[4];  // last read counted on that edge: once per read
  uint8_t ref_out;       // bit b: the edge by base b is on the reference path
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<int32_t> table;
  uint64_t mask = 0;

  void reset(size_t max_nodes) {
    size_t cap = 16;
    while (cap < 2 * max_nodes) cap <<= 1;
    table.assign(cap, -1);
    mask = cap - 1;
    nodes.clear();
    nodes.reserve(max_nodes);
  }
  // The node of `key`, created when absent (`added` tells which).
  int32_t get(const Kmer& key, bool& added) {
    for (uint64_t i = mix(key.lo ^ mix(key.hi)) & mask;; i = (i + 1) & mask) {
      int32_t id = table[i];
      if (id < 0) {
        id = static_cast<int32_t>(nodes.size());
        table[i] = id;
        nodes.push_back(Node{key, {-1, -1, -1, -1}, {0, 0, 0, 0}, {-1, -1, -1, -1}, 0});
        added = true;
        return id;
      }
      if (nodes[id].key == key) {
        added = false;
        return id;
      }
    }
  }
};

// Scratch reused across k and across calls, so a window allocates nothing once warm.
struct Workspace {
  Graph g;
  std::vector<uint8_t> fwd, live, live_out;
  std::vector<int32_t> stack, pred_off, preds, indeg, order;
  std::vector<int64_t> paths;
  std::vector<double> edge_score;
};

// The reference backbone: node i is the reference k-mer at i. False when a
// k-mer repeats (the backbone would loop).
bool add_reference(Graph& g, const std::string& ref, int k, const Roller& roll) {
  Kmer m;
  int32_t prev = -1;
  bool added;
  for (size_t i = 0; i < ref.size(); ++i) {
    const auto b = static_cast<unsigned>(ref_code(ref[i]));
    m = roll.push(m, b);
    if (i + 1 < static_cast<size_t>(k)) continue;
    const int32_t id = g.get(m, added);
    if (!added) return false;
    if (prev >= 0) {
      g.nodes[prev].out[b] = id;
      g.nodes[prev].ref_out |= static_cast<uint8_t>(1u << b);
    }
    prev = id;
  }
  return true;
}

// Edges are (k+1)-mers of the read whose bases are all A/C/G/T at quality >= min_q.
void add_read(Graph& g, const ReadSeq& r, int32_t read_id, int k, int min_q, const Roller& roll) {
  Kmer m;
  int run = 0;
  int32_t prev = -1;
  bool added;
  for (size_t i = 0; i < r.len; ++i) {
    const unsigned b = r.bases[i];
    if (b > 3 || r.quals[i] < min_q) {
      run = 0;
      prev = -1;
      continue;
    }
    m = roll.push(m, b);
    if (++run < k) continue;
    const int32_t id = g.get(m, added);
    if (prev >= 0) {
      Node& n = g.nodes[prev];
      n.out[b] = id;
      if (n.last_read[b] != read_id) {
        n.last_read[b] = read_id;
        ++n.weight[b];
      }
    }
    prev = id;
  }
}

// Marks `live` the nodes on some source->sink path over unpruned edges, and
// `live_out` their edges; scores those edges and returns the number of
// source->sink paths (capped at kMaxPaths + 1), or -1 when there is a cycle.
int64_t prune_and_count(Workspace& w, int32_t sink, int min_w) {
  const Graph& g = w.g;
  const size_t n = g.nodes.size();
  auto kept = [&](const Node& x, int b) { return x.out[b] >= 0 && ((x.ref_out >> b & 1) || x.weight[b] >= min_w); };
  w.fwd.assign(n, 0);
  w.live.assign(n, 0);
  w.stack.assign(1, 0);
  w.fwd[0] = 1;
  while (!w.stack.empty()) {
    const Node& x = g.nodes[w.stack.back()];
    w.stack.pop_back();
    for (int b = 0; b < 4; ++b)
      if (kept(x, b) && !w.fwd[x.out[b]]) w.fwd[x.out[b]] = 1, w.stack.push_back(x.out[b]);
  }
  // Predecessor lists (CSR) over the forward-reachable part, to walk back from the sink.
  w.pred_off.assign(n + 1, 0);
  for (size_t u = 0; u < n; ++u)
    for (int b = 0; b < 4; ++b)
      if (w.fwd[u] && kept(g.nodes[u], b)) ++w.pred_off[g.nodes[u].out[b] + 1];
  for (size_t u = 0; u < n; ++u) w.pred_off[u + 1] += w.pred_off[u];
  w.preds.resize(w.pred_off[n]);
  w.indeg.assign(w.pred_off.begin(), w.pred_off.end() - 1);  // fill cursor
  for (size_t u = 0; u < n; ++u)
    for (int b = 0; b < 4; ++b)
      if (w.fwd[u] && kept(g.nodes[u], b)) w.preds[w.indeg[g.nodes[u].out[b]]++] = static_cast<int32_t>(u);
  w.stack.assign(1, sink);
  w.live[sink] = 1;
  size_t n_live = 1;
  while (!w.stack.empty()) {
    const int32_t v = w.stack.back();
    w.stack.pop_back();
    for (int32_t i = w.pred_off[v]; i < w.pred_off[v + 1]; ++i)
      if (!w.live[w.preds[i]]) w.live[w.preds[i]] = 1, ++n_live, w.stack.push_back(w.preds[i]);
  }
  // Live edges: unpruned, between live nodes. Each node keeps them as a bit mask by base.
  w.live_out.assign(n, 0);
  w.indeg.assign(n, 0);
  for (size_t u = 0; u < n; ++u)
    for (int b = 0; b < 4; ++b)
      if (w.live[u] && kept(g.nodes[u], b) && w.live[g.nodes[u].out[b]]) {
        w.live_out[u] |= static_cast<uint8_t>(1u << b);
        ++w.indeg[g.nodes[u].out[b]];
      }
  // Kahn's topological sort: live nodes left unsorted sit on a cycle.
  w.order.clear();
  w.stack.clear();
  for (size_t u = 0; u < n; ++u)
    if (w.live[u] && w.indeg[u] == 0) w.stack.push_back(static_cast<int32_t>(u));
  while (!w.stack.empty()) {
    const int32_t u = w.stack.back();
    w.stack.pop_back();
    w.order.push_back(u);
    for (int b = 0; b < 4; ++b)
      if ((w.live_out[u] >> b & 1) && --w.indeg[g.nodes[u].out[b]] == 0) w.stack.push_back(g.nodes[u].out[b]);
  }
  if (w.order.size() != n_live) return -1;
  w.paths.assign(n, 0);
  w.paths[0] = 1;
  for (const int32_t u : w.order)
    for (int b = 0; b < 4; ++b)
      if (w.live_out[u] >> b & 1) {
        int64_t& t = w.paths[g.nodes[u].out[b]];
        t = std::min(t + w.paths[u], kMaxPaths + 1);
      }
  w.edge_score.assign(4 * n, 0.0);
  for (const int32_t u : w.order) {
    const Node& x = g.nodes[u];
    double total = 0;
    for (int b = 0; b < 4; ++b)
      if (w.live_out[u] >> b & 1) total += x.weight[b] + 1.0;
    for (int b = 0; b < 4; ++b)
      if (w.live_out[u] >> b & 1) w.edge_score[4 * u + b] = std::log10((x.weight[b] + 1.0) / total);
  }
  return w.paths[sink];
}

struct Candidate {
  double score;
  std::string seq;
};

bool better(const Candidate& a, const Candidate& b) { return a.score != b.score ? a.score > b.score : a.seq < b.seq; }

// The `limit` best source->sink paths but the reference's, spelled, by DFS in base order.
void enumerate(const Workspace& w, const std::string& ref, int k, int32_t sink, size_t limit,
               std::vector<Candidate>& out) {
  struct Frame {
    int32_t node, next_base, alt_edges;
    double score;
  };
  std::vector<Frame> st{{0, 0, 0, 0.0}};
  std::string seq = ref.substr(0, static_cast<size_t>(k));
  auto pop = [&] {
    st.pop_back();
    if (!st.empty()) seq.pop_back();
  };
  while (!st.empty()) {
    const Frame f = st.back();
    if (f.node == sink) {
      if (f.alt_edges > 0) out.push_back({f.score, seq});  // only the backbone has none
      if (out.size() >= 2 * limit + 64) {  // a dense graph: hold only the running best
        std::nth_element(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(limit), out.end(), better);
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(limit), out.end());
      }
      pop();
      continue;
    }
    const Node& x = w.g.nodes[f.node];
    int b = f.next_base;
    while (b < 4 && !(w.live_out[f.node] >> b & 1)) ++b;
    if (b == 4) {
      pop();
      continue;
    }
    st.back().next_base = b + 1;
    const bool ref_edge = x.ref_out >> b & 1;
    st.push_back({x.out[b], 0, f.alt_edges + (ref_edge ? 0 : 1), f.score + w.edge_score[4 * f.node + b]});
    seq.push_back(kBases[b]);
  }
}

}  // namespace

AssemblyResult assemble(const std::string& ref, const std::vector<ReadSeq>& reads, const AssemblyParams& p) {
  AssemblyResult res;
  if (std::any_of(ref.begin(), ref.end(), [](char c) { return ref_code(c) > 3; })) return res;
  thread_local Workspace w;
  size_t max_nodes = ref.size();
  for (const ReadSeq& r : reads) max_nodes += r.len;
  const int step = std::max(1, p.k_step);
  for (int k = std::max(1, p.k_min); k <= std::min(p.k_max, kMaxK) && static_cast<size_t>(k) < ref.size(); k += step) {
    const Roller roll(k);
    w.g.reset(max_nodes);
    if (!add_reference(w.g, ref, k, roll)) continue;
    for (size_t i = 0; i < reads.size(); ++i)
      add_read(w.g, reads[i], static_cast<int32_t>(i), k, p.min_base_quality, roll);
    const auto sink = static_cast<int32_t>(ref.size() - static_cast<size_t>(k));
    const int64_t n_paths = prune_and_count(w, sink, p.min_edge_weight);
    if (n_paths < 0 || n_paths > kMaxPaths) continue;
    const auto limit = static_cast<size_t>(std::max(1, p.max_haplotypes) - 1);
    std::vector<Candidate> cands;
    if (limit > 0) enumerate(w, ref, k, sink, limit, cands);
    std::sort(cands.begin(), cands.end(), better);
    res.ok = true;
    res.k = k;
    res.haplotypes.push_back(ref);
    for (size_t i = 0; i < std::min(limit, cands.size()); ++i) res.haplotypes.push_back(std::move(cands[i].seq));
    return res;
  }
  return res;
}

}  // namespace dvhpc::assembly
