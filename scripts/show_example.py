#!/usr/bin/env python3
"""Render one example of a dvhpc example store (PREFIX.examples.h5) as a PNG:
one grayscale panel per pileup-image channel, left to right (encoding in
include/dvhpc/pileup_image.hpp), and print its metadata and count features.

  scripts/show_example.py EXAMPLES.h5 INDEX OUT.png
  scripts/show_example.py EXAMPLES.h5 --list 20      # first 20 examples' metadata

Needs h5py and numpy (Debian: python3-h5py); the PNG is written with the
standard library's zlib, so matplotlib is not needed.
"""
import struct
import sys
import zlib

import h5py
import numpy as np


def write_png_gray(path, pixels):
    h, w = pixels.shape
    raw = b"".join(b"\0" + pixels[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


def meta(f, i):
    s = lambda k: f[k][i].decode() if isinstance(f[k][i], bytes) else f[k][i]
    return (f"#{i} {s('/meta/contig')}:{f['/meta/pos'][i]} {s('/meta/ref')}>{s('/meta/alt')} "
            f"(site alts {s('/meta/site_alts')}) type={f['/meta/variant_type'][i]} "
            f"depth={f['/meta/depth'][i]} alt_count={f['/meta/alt_count'][i]} label={f['/labels'][i]}")


def main(argv):
    if len(argv) == 4 and argv[2] == "--list":
        with h5py.File(argv[1], "r") as f:
            for i in range(min(int(argv[3]), f["/labels"].shape[0])):
                print(meta(f, i))
        return 0
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, i, out = argv[1], int(argv[2]), argv[3]
    with h5py.File(path, "r") as f:
        img = f["/cnn/images"][i]  # [H, W, C]
        feat = f["/rnn/features"][i]  # [33, 18]
        print(meta(f, i))
    h, w, c = img.shape
    gap = 4
    strip = np.zeros((h, c * w + (c - 1) * gap), dtype=np.uint8)
    for k in range(c):
        strip[:, k * (w + gap):k * (w + gap) + w] = img[:, :, k]
    write_png_gray(out, strip)
    np.set_printoptions(precision=2, suppress=True, linewidth=200)
    print("features at the centre +-2 (rows: positions, cols: 18 channels):")
    mid = feat.shape[0] // 2
    print(feat[mid - 2:mid + 3])
    print(f"wrote {out} ({c} panels of {w}x{h})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
