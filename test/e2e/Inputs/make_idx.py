"""Writes an IDX pair DIR/PREFIX-images-idx3-ubyte and DIR/PREFIX-labels-idx1-ubyte:
one 28x28 image per label, pixels from the label.
usage: make_idx.py DIR PREFIX LABEL..."""
import struct
import sys

out, prefix, labels = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3:]]
with open("%s/%s-images-idx3-ubyte" % (out, prefix), "wb") as f:
    f.write(struct.pack(">IIII", 0x803, len(labels), 28, 28))
    f.write(bytes(l * 20 % 256 for l in labels for _ in range(784)))
with open("%s/%s-labels-idx1-ubyte" % (out, prefix), "wb") as f:
    f.write(struct.pack(">II", 0x801, len(labels)) + bytes(labels))
