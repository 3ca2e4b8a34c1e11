"""Writes the .npy files predict-inputs.test feeds a 2-input model: OUT_DIR/NAME.npy,
good ones and hostile headers (no numpy needed)."""
import struct
import sys


def npy(name, header, data, version=(1, 0)):
    h = header.encode()
    size = struct.pack("<H", len(h)) if version[0] == 1 else struct.pack("<I", len(h))
    with open("%s/%s.npy" % (sys.argv[1], name), "wb") as f:
        f.write(b"\x93NUMPY" + bytes(version) + size + h + data)


def hdr(descr, shape, fortran="False"):
    s = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    return s + " " * ((64 - (10 + len(s) + 1) % 64) % 64) + "\n"


def f4(*v):
    return struct.pack("<%df" % len(v), *v)


nan, inf = float("nan"), float("inf")
npy("ok", hdr("<f4", "(2, 2)"), f4(0, 1, 1, 1))
npy("single", hdr("<f4", "(2,)"), f4(0, 1))
npy("bytes-v2", hdr("|u1", "(3, 2)"), bytes([0, 1, 1, 0, 1, 1]), (2, 0))
npy("v3", hdr("<f4", "(1, 2)"), f4(1, 0), (3, 0))
npy("allnan", hdr("<f4", "(2, 2)"), f4(nan, nan, nan, nan))
npy("allinf", hdr("<f4", "(2, 2)"), f4(inf, inf, inf, inf))
npy("short", hdr("<f4", "(2, 2)"), f4(0, 1))
npy("long", hdr("<f4", "(1, 2)"), f4(0, 1, 1))
npy("huge", hdr("<f4", "(4611686018427387904, 256)"), f4(0, 1))
npy("negative", hdr("<f4", "(-1, 2)"), f4(0, 1))
npy("v9", hdr("<f4", "(1, 2)"), f4(0, 1), (9, 0))
npy("unterminated", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), ", f4(0, 1))
npy("noclose", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), \n", f4(0, 1))
npy("overlong", hdr("<f4", "(1, 2)")[:-1] + "x" * 40000 + "\n", f4(0, 1))
npy("f8", hdr("<f8", "(1, 2)"), struct.pack("<2d", 0, 1))
npy("fortran", hdr("<f4", "(1, 2)", "True"), f4(0, 1))
npy("nokey", "{'descr': '<f4', 'shape': (1, 2), }\n", f4(0, 1))
npy("wrongsize", hdr("<f4", "(1, 3)"), f4(0, 1, 1))
with open("%s/claims.npy" % sys.argv[1], "wb") as f:  # header length past the end
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", 60000) + b"{'descr'")
