"""Writes a copy of an nnc checkpoint with value 0 of tensor NAME set to VALUE (nan, inf)
and the checksum recomputed: poison_ckpt.py IN OUT NAME VALUE."""
import struct
import sys

from checkpoint_format import fnv1a, records

src, dst, target, value = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
data = bytearray(open(src, "rb").read())
for name, start, n in records(data):
    if name == target:
        struct.pack_into("<f", data, start, value)
struct.pack_into("<Q", data, len(data) - 8, fnv1a(data[:-8]))
open(dst, "wb").write(bytes(data))
