"""Writes the fuzz targets' seed inputs, in each harness's input format (fuzz/*.c):
small valid IDX, CSV, PNG and JPEG files and the .nn examples and tests.
usage: make_seeds.py REPO OUT_DIR   (OUT_DIR/<target>/ per target; the checkpoint seeds
come from the harness itself, NNC_FUZZ_SEED_OUT)"""
import glob
import gzip
import os
import shutil
import struct
import subprocess
import sys
import zlib

repo, out = sys.argv[1], sys.argv[2]


def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)


os.makedirs(os.path.join(out, "frontend"), exist_ok=True)
for i, path in enumerate(sorted(glob.glob(repo + "/examples/*.nn") +
                                glob.glob(repo + "/test/frontend/**/*.nn", recursive=True))):
    shutil.copy(path, os.path.join(out, "frontend", "%03d-%s" % (i, os.path.basename(path))))

# ONNX: the importer tests' small models (needs python3-onnx) and every eighth model of
# the backend test suites (libonnx-testdata), when present.
os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
models = os.path.join(out, "onnx-models")
try:
    subprocess.run([sys.executable, repo + "/test/onnx/Inputs/make_models.py", models],
                   check=True, capture_output=True)
except (OSError, subprocess.CalledProcessError):
    pass
suites = sorted(glob.glob("/usr/share/libonnx-testdata/data/*/test_*/model.onnx"))[::8]
for i, path in enumerate(sorted(glob.glob(os.path.join(models, "*.onnx"))) + suites):
    shutil.copy(path, os.path.join(out, "onnx", "%03d-model.onnx" % i))
shutil.rmtree(models, ignore_errors=True)

# IDX: 3 images of 2x2 and their labels; plain and gzip-compressed, train and test.
images = struct.pack(">IIII", 0x803, 3, 2, 2) + bytes(range(12))
labels = struct.pack(">II", 0x801, 3) + bytes([0, 1, 2])
for flags in range(4):
    a, b = (gzip.compress(images, mtime=0), gzip.compress(labels, mtime=0)) if flags & 2 else (images, labels)
    put("idx", "seed-%d" % flags, bytes([flags]) + struct.pack("<H", len(a)) + a + b)

# CSV: the XOR table, a table with a header and the label first, semicolons.
with open(repo + "/examples/data/xor.csv", "rb") as f:
    put("csv", "xor", b"\x00\xff" + f.read())
put("csv", "header", b"\x00\x00label,a,b\n1,0.5,2e3\n0,-1,3\n")
put("csv", "semicolon", b"\x01\x01x;y;z\n1;2;3\n4;5;6\n")
put("csv", "quoted", b"\x80\x00\"a\",\"b\",\"y\"\n\"0\",1,,\n1,nan,1\n")

# .npy (flag byte: bit 0 --allow-nonfinite): versions 1.0 and 2.0, float32 and uint8.
def npy(descr, shape, data, major=1):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    h += " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    size = struct.pack("<H", len(h)) if major == 1 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes([major, 0]) + size + h.encode() + data
put("npy", "f4", b"\x00" + npy("<f4", "(2, 2)", struct.pack("<4f", 0, 1, 0.5, -2)))
put("npy", "u1-v2", b"\x00" + npy("|u1", "(3,)", bytes([1, 2, 3]), 2))
put("npy", "nan", b"\x01" + npy("<f4", "(1, 1, 2)", struct.pack("<2f", float("nan"), 1)))

# Images: gray and RGB PNGs (8-bit), a JPEG made by cjpeg from a PPM.
def png(w, h, c):
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 13 + k) % 256 for x in range(w) for k in range(c))
                    for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2 if c == 3 else 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))

put("image", "gray.png", b"\x00\x07\x05" + png(5, 4, 1))
put("image", "rgb.png", b"\x01\x03\x09" + png(6, 3, 3))
ppm = b"P6 8 8 255\n" + bytes((i * 37) % 256 for i in range(8 * 8 * 3))
jpeg = subprocess.run(["cjpeg", "-quality", "80"], input=ppm, capture_output=True, check=True).stdout
put("image", "rgb.jpg", b"\x01\x0f\x0f" + jpeg)
put("image", "gray.jpg", b"\x00\x02\x02" + subprocess.run(
    ["cjpeg", "-grayscale"], input=ppm, capture_output=True, check=True).stdout)

# C API sequences (fuzz/CApi.c: op byte, sample byte, value byte per call): create both
# models, predict, train, evaluate, save, load the other's checkpoint, race, destroy twice.
put("capi", "lifecycle", bytes([0x00, 3, 1, 0x29, 3, 2, 0x02, 5, 7, 0x03, 5, 9, 0x04, 5, 3,
                                0x05, 0, 0, 0x26, 0, 0, 0x07, 0, 0, 0x01, 0, 0, 0x01, 0, 0,
                                0x02, 3, 0, 0x29, 0, 0]))
put("capi", "labels", bytes([0x00, 0, 5, 0x03, 4, 210, 0x03, 4, 231, 0x20, 0, 5, 0x23, 4, 231,
                             0x24, 4, 220, 0x06, 0, 2, 0x45, 0, 0]))
