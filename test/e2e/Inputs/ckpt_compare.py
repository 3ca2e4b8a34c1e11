"""Compares named tensors of two nnc checkpoints (docs/checkpoint.md), read independently
of the runtime: ckpt_compare.py A B same|differ [NAME...] exits 0 when every NAME (by
default: every model tensor, i.e. all but the fit state's "fit/..." records, which must
be the same set in both) is bit-for-bit equal (same) or different (differ) in A and B."""
import hashlib
import struct
import sys


def tensors(path):
    data = open(path, "rb").read()
    assert data[:8] == b"NNCKPT\x00\x01", path + " is not an nnc checkpoint"
    version, count = struct.unpack_from("<II", data, 8)
    at, out = 16, {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<I", data, at)
        name = data[at + 4:at + 4 + name_len].decode()
        (n,) = struct.unpack_from("<Q", data, at + 4 + name_len)
        start = at + 12 + name_len
        out[name] = data[start:start + 4 * n]
        at = start + 4 * n
    return out


a, b = tensors(sys.argv[1]), tensors(sys.argv[2])
want_same = sys.argv[3] == "same"
ok = True
names = sys.argv[4:]
if not names:
    names = sorted(n for n in a if not n.startswith("fit/"))
    other = sorted(n for n in b if not n.startswith("fit/"))
    if names != other:
        sys.exit("the checkpoints hold different tensors: %s vs %s" % (names, other))
for name in names:
    if name not in a or name not in b:
        print("MISSING", name)
        ok = False
        continue
    same = a[name] == b[name]
    print("%s %s (%s)" % (name, "same" if same else "differs", hashlib.sha1(b[name]).hexdigest()[:12]))
    ok = ok and same == want_same
sys.exit(0 if ok else 1)
