"""Writes a copy of a checkpoint with double INDEX of record NAME (fit/state, fit/history)
set to VALUE and the checksum recomputed: set_fit_state.py IN OUT NAME INDEX VALUE."""
import struct
import sys

from checkpoint_format import fnv1a, records

src, dst, target, index, value = sys.argv[1:6]
data = bytearray(open(src, "rb").read())
for name, start, n in records(data):
    if name == target:
        struct.pack_into("<d", data, start + 8 * int(index), float(value))
struct.pack_into("<Q", data, len(data) - 8, fnv1a(data[:-8]))
open(dst, "wb").write(bytes(data))
