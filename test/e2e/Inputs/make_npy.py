"""Writes a float32 or uint8 .npy array of pseudo-random pixel values (no numpy needed).
usage: make_npy.py OUT.npy DTYPE(f4|u1) DIM..."""
import struct
import sys

out, dtype, dims = sys.argv[1], sys.argv[2], [int(d) for d in sys.argv[3:]]
count = 1
for d in dims:
    count *= d
shape = "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
    "<f4" if dtype == "f4" else "|u1", shape)
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
state = 12345
values = []
for _ in range(count):
    state = (state * 1664525 + 1013904223) % 2**32
    values.append((state >> 8) % 256)
with open(out, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    if dtype == "f4":
        f.write(struct.pack("<%df" % count, *values))
    else:
        f.write(bytes(values))
