"""Writes a copy of an nnc checkpoint with value 0 of tensor NAME set to VALUE (nan, inf)
and the checksum recomputed: poison_ckpt.py IN OUT NAME VALUE."""
import struct
import sys

src, dst, target, value = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
data = bytearray(open(src, "rb").read())
version, count = struct.unpack_from("<II", data, 8)
at = 16
for _ in range(count):
    (name_len,) = struct.unpack_from("<I", data, at)
    name = data[at + 4:at + 4 + name_len].decode()
    (n,) = struct.unpack_from("<Q", data, at + 4 + name_len)
    start = at + 12 + name_len
    if name == target:
        struct.pack_into("<f", data, start, value)
    at = start + 4 * n
h = 0xCBF29CE484222325
for b in data[:-8]:
    h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
struct.pack_into("<Q", data, len(data) - 8, h)
open(dst, "wb").write(bytes(data))
