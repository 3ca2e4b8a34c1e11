"""Writes an 8-bit PNG (gray or RGB) of pseudo-random pixels with pure Python, plus the
same pixels as a uint8 .npy array, so both inputs must give the same predictions.
usage: make_png.py OUT.png OUT.npy WIDTH HEIGHT CHANNELS(1|3)"""
import struct
import sys
import zlib

png, npy, w, h, c = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
state, pixels = 99, []
for _ in range(w * h * c):
    state = (state * 1664525 + 1013904223) % 2**32
    pixels.append((state >> 8) % 256)
rows = b"".join(b"\x00" + bytes(pixels[y * w * c:(y + 1) * w * c]) for y in range(h))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


with open(png, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2 if c == 3 else 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
shape = "(1, %d, %d, %d)" % (h, w, c)
header = "{'descr': '|u1', 'fortran_order': False, 'shape': %s, }" % shape
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(npy, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + bytes(pixels))
