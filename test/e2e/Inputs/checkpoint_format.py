"""Reading nnc's checkpoint format (docs/checkpoint.md) in tests: the checksum and the
named records."""
import struct


def fnv1a(data):
    """The checkpoint's checksum: FNV-1a 64 over every byte before it."""
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def records(data):
    """(name, offset of the first value, value count) of each record, in order."""
    version, count = struct.unpack_from("<II", data, 8)
    at = 16
    for _ in range(count):
        (name_len,) = struct.unpack_from("<I", data, at)
        name = data[at + 4:at + 4 + name_len].decode()
        (n,) = struct.unpack_from("<Q", data, at + 4 + name_len)
        start = at + 12 + name_len
        yield name, start, n
        at = start + 4 * n
