#include "dvhpc/train/store_examples.hpp"

#include <algorithm>

#include "dvhpc/error.hpp"
#include "dvhpc/pileup_image.hpp"

namespace dvhpc::train {
namespace {

std::vector<int32_t> checked_labels(const ExampleStore& s) {
  std::vector<int32_t> out;
  for (int8_t l : s.labels()) {
    if (l < 0 || l > 2)
      throw Error(ErrorKind::Input, "example store '" + s.path() +
                                        "' has unlabelled examples (made without truth.vcf/truth.bed); "
                                        "training needs labelled examples");
    out.push_back(l);
  }
  return out;
}

}  // namespace

StoreImageExamples::StoreImageExamples(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    auto s = std::make_unique<ExampleStore>(p);
    if (!stores_.empty() && (s->height() != stores_[0]->height() || s->width() != stores_[0]->width() ||
                             s->channels() != stores_[0]->channels()))
      throw Error(ErrorKind::Input, "example stores '" + stores_[0]->path() + "' and '" + p +
                                        "' have different image shapes; make them with the same pileup settings");
    offsets_.push_back(total_);
    auto l = checked_labels(*s);
    labels_.insert(labels_.end(), l.begin(), l.end());
    total_ += s->size();
    stores_.push_back(std::move(s));
  }
}

nn::Shape StoreImageExamples::example_shape() const {
  const auto& s = *stores_.at(0);
  return {s.channels(), s.height(), s.width()};
}

void StoreImageExamples::read(const std::vector<int64_t>& idx, float* x, int32_t* y) const {
  const auto& s0 = *stores_.at(0);
  const int64_t H = s0.height(), W = s0.width(), C = s0.channels(), n = H * W * C;
  // Group by store, sorted within a store (the store reads sorted runs fastest).
  std::vector<size_t> order(idx.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&idx](size_t a, size_t b) { return idx[a] < idx[b]; });
  std::vector<uint8_t> raw;
  size_t k = 0;
  while (k < order.size()) {
    const int64_t g = idx[order[k]];
    const size_t f = static_cast<size_t>(std::upper_bound(offsets_.begin(), offsets_.end(), g) - offsets_.begin() - 1);
    const int64_t end = f + 1 < offsets_.size() ? offsets_[f + 1] : total_;
    std::vector<size_t> slots;
    std::vector<int64_t> local;
    for (; k < order.size() && idx[order[k]] < end; ++k) {
      slots.push_back(order[k]);
      local.push_back(idx[order[k]] - offsets_[f]);
    }
    raw.resize(static_cast<size_t>(n) * local.size());
    stores_[f]->read_images(local, raw.data());
    for (size_t j = 0; j < slots.size(); ++j) {
      image_to_nchw(raw.data() + static_cast<int64_t>(j) * n, H, W, C, x + static_cast<int64_t>(slots[j]) * n);
      y[slots[j]] = labels_[static_cast<size_t>(idx[slots[j]])];
    }
  }
}

std::unique_ptr<ExampleSource> load_feature_examples(const std::vector<std::string>& paths) {
  std::vector<float> x;
  std::vector<int32_t> y;
  nn::Shape shape;
  for (const auto& p : paths) {
    ExampleStore s(p);
    nn::Shape sh{s.feature_window(), s.feature_channels()};
    if (!shape.empty() && sh != shape)
      throw Error(ErrorKind::Input, "example store '" + p + "' has features " + nn::shape_str(sh) + ", others " +
                                        nn::shape_str(shape));
    shape = sh;
    auto l = checked_labels(s);
    std::vector<int64_t> all(static_cast<size_t>(s.size()));
    for (int64_t i = 0; i < s.size(); ++i) all[static_cast<size_t>(i)] = i;
    const size_t base = x.size();
    x.resize(base + static_cast<size_t>(s.size() * s.feature_size()));
    if (s.size() > 0) s.read_features(all, x.data() + base);
    y.insert(y.end(), l.begin(), l.end());
  }
  return std::make_unique<MemoryExamples>(shape, std::move(x), std::move(y));
}

}  // namespace dvhpc::train
