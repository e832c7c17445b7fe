// Pileup-image kernel: one work item per (example, row) fills that row of
// the example's uint8 [H, W, C] image (encoding: dvhpc/pileup_image.hpp).
// Rows never share pixels, so no atomics; the image View starts zeroed.
#pragma once

#include "kernels/pileup_support.hpp"

namespace dvhpc::kernels {

template <class M>
using ImageView = Kokkos::View<uint8_t****, Kokkos::LayoutRight, M>;  // [n, H, W, C]

KOKKOS_INLINE_FUNCTION uint8_t image_base_value(int code) {
  // A, C, G, T, N as DeepVariant spaces them; N low but not "no read".
  return code == 0 ? 250 : code == 1 ? 30 : code == 2 ? 180 : code == 3 ? 100 : 10;
}

template <class M>
struct PileupImageFunctor {
  PileupReadViews<M> r;
  ExampleViews<M> ex;
  ImageView<M> img;
  int ref_rows, max_reads;
  bool insert_size;

  KOKKOS_INLINE_FUNCTION void put(int64_t e, int row, int64_t x, int base, int bq, int mq, bool rev,
                                  int support, bool differs, int32_t tlen) const {
    img(e, row, x, 0) = image_base_value(base);
    img(e, row, x, 1) = static_cast<uint8_t>((bq < 40 ? bq : 40) * 254 / 40);
    img(e, row, x, 2) = static_cast<uint8_t>((mq < 60 ? mq : 60) * 254 / 60);
    img(e, row, x, 3) = rev ? 240 : 70;
    img(e, row, x, 4) = support == 1 ? 254 : 144;
    img(e, row, x, 5) = differs ? 254 : 144;
    if (insert_size) {
      const int32_t t = tlen < 0 ? -tlen : tlen;
      img(e, row, x, 6) = static_cast<uint8_t>((t < 1000 ? t : 1000) * 254 / 1000);
    }
  }

  KOKKOS_INLINE_FUNCTION void operator()(const int64_t item) const {
    const int64_t height = static_cast<int64_t>(img.extent(1));
    const int64_t width = static_cast<int64_t>(img.extent(2));
    const int64_t e = item / height;
    const int row = static_cast<int>(item % height);
    const int64_t left = ex.centre(e) - width / 2;  // reference position of column 0
    if (row < ref_rows) {
      for (int64_t x = 0; x < width; ++x) {
        const int c = ex.ref_code(left + x);
        if (c >= 0) put(e, row, x, c, 40, 60, false, 0, false, 0);
        if (c >= 0 && insert_size) img(e, row, x, 6) = 0;
      }
      return;
    }
    const int32_t entry = ex.img_rows(e * max_reads + (row - ref_rows));
    if (entry < 0) return;
    const int64_t rd = ex.entry_read(entry);
    const int support = ex.entry_support(entry);
    const int mq = r.mapq(rd);
    const bool rev = r.reads.reverse(rd) != 0;
    const int32_t tlen = r.tlen(rd);
    const ReadViews<M>& reads = r.reads;
    int64_t rp = reads.pos(rd);
    uint64_t q = reads.seq_offset(rd);
    const uint32_t c_end = reads.cigar_offset(rd + 1);
    for (uint32_t k = reads.cigar_offset(rd); k < c_end && rp < left + width; ++k) {
      const uint32_t op = reads.cigar(k) & 0xf;
      const int64_t len = reads.cigar(k) >> 4;
      if (consumes_both(op)) {
        const bool ins_next = k + 1 < c_end && (reads.cigar(k + 1) & 0xf) == kOpI;
        for (int64_t i = 0; i < len; ++i) {
          const int64_t x = rp + i - left;
          if (x < 0 || x >= width) continue;
          const int b = reads.bases(q + static_cast<uint64_t>(i));
          const bool differs = b != ex.ref_code(rp + i) || (ins_next && i + 1 == len);
          put(e, row, x, b, reads.quals(q + static_cast<uint64_t>(i)), mq, rev, support, differs, tlen);
        }
        rp += len;
        q += static_cast<uint64_t>(len);
      } else if (op == kOpD) {
        const int bq = q < reads.seq_offset(rd + 1) ? reads.quals(q) : 0;
        for (int64_t i = 0; i < len; ++i) {
          const int64_t x = rp + i - left;
          if (x < 0 || x >= width) continue;
          put(e, row, x, 4, bq, mq, rev, support, true, tlen);
          img(e, row, x, 0) = 60;  // deletion span
        }
        rp += len;
      } else if (op == kOpN) {
        rp += len;
      } else if (op == kOpI || op == kOpS) {
        q += static_cast<uint64_t>(len);
      }
    }
  }
};

// The networks' input: images as NCHW floats in [0, 1], the pixel divided
// by 255 exactly as dvhpc::image_to_nchw (dvhpc/pileup_image.hpp) does on
// the host, so a model sees the same numbers whichever side converted.
// Built where the images are (on the GPU, straight into the tensor cuDNN
// reads), one work item per (example, channel, row).
template <class M>
using NchwView = Kokkos::View<float****, Kokkos::LayoutRight, M>;  // [n, C, H, W]

template <class M>
struct ImageToNchwFunctor {
  ImageView<M> img;
  NchwView<M> out;
  KOKKOS_INLINE_FUNCTION void operator()(const int64_t item) const {
    const int64_t C = static_cast<int64_t>(out.extent(1)), H = static_cast<int64_t>(out.extent(2));
    const int64_t W = static_cast<int64_t>(out.extent(3));
    const int64_t e = item / (C * H), c = (item / H) % C, h = item % H;
    for (int64_t w = 0; w < W; ++w) out(e, c, h, w) = img(e, h, w, c) * (1.0f / 255.0f);
  }
};

// out[e, c, h, w] = img[e, h, w, c] / 255 for the first out.extent(0)
// images, on exec (not fenced).
template <class Exec>
void images_to_nchw(const Exec& exec, const ImageView<typename Exec::memory_space>& img,
                    const NchwView<typename Exec::memory_space>& out) {
  const int64_t items = static_cast<int64_t>(out.extent(0) * out.extent(1) * out.extent(2));
  Kokkos::parallel_for("dvhpc::image_to_nchw", Kokkos::RangePolicy<Exec, Kokkos::IndexType<int64_t>>(exec, 0, items),
                       ImageToNchwFunctor<typename Exec::memory_space>{img, out});
}

}  // namespace dvhpc::kernels
