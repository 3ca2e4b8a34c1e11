"""Builds opt_parity.c against a model: compiles MODEL.nn with nnc (extra arguments
`nnc_args`) into OUT/BASE.so and links OUT/parity. Returns the executable's path."""
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def build_parity(model, out, cc, nnc_args=()):
    base = os.path.splitext(os.path.basename(model))[0]
    os.makedirs(out, exist_ok=True)
    subprocess.run(["nnc", model, *nnc_args, "-o", os.path.join(out, base + ".so")], check=True)
    name = re.sub(r"[^A-Za-z0-9_]", "_", base)
    exe = os.path.join(out, "parity")
    subprocess.run(cc + ["-I" + out, '-DHEADER="%s.h"' % base, "-DNAME=" + name,
                         "-DUNAME=" + name.upper(), os.path.join(HERE, "opt_parity.c"),
                         os.path.join(out, base + ".so"), "-Wl,-rpath," + out, "-o", exe],
                   check=True)
    return exe
