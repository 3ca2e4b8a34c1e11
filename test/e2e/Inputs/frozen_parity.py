"""For each .nn file: trains 10 steps from seeded weights (-O0 build), saves the
checkpoint, then compares the -O0 build's predictions with those weights loaded against
an `nnc --inference --weights CKPT` (-O2: BatchNormalization and Rescaling folded into the
kernels) build's: they must agree within 1e-5 relative to the largest output. Prints the
frozen IR's op counts so FileCheck can see what folded.
usage: frozen_parity.py WORKDIR CC_COMMAND MODEL.nn..."""
import os
import re
import shlex
import subprocess
import sys

work, cc, models = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3:]
here = os.path.dirname(os.path.abspath(__file__))


def build(model, out, flags, defines=()):
    base = os.path.splitext(os.path.basename(model))[0]
    os.makedirs(out, exist_ok=True)
    so = os.path.join(out, base + ".so")
    subprocess.run(["nnc", model, "-o", so] + flags, check=True)
    name = re.sub(r"[^A-Za-z0-9_]", "_", base)
    exe = os.path.join(out, "parity")
    subprocess.run(cc + ["-I" + out, '-DHEADER="%s.h"' % base, "-DNAME=" + name,
                         "-DUNAME=" + name.upper()] + list(defines) +
                   [os.path.join(here, "opt_parity.c"), so, "-Wl,-rpath," + out, "-o", exe],
                   check=True)
    return exe


def predictions(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("%s failed (%d):\n%s" % (cmd, done.returncode, done.stderr))
    return [float(l.split()[1]) for l in done.stdout.split("\n") if l.startswith("predict ")]


worst = 0.0
for model in models:
    base = os.path.splitext(os.path.basename(model))[0]
    ckpt = os.path.join(work, base + ".ckpt")
    plain = build(model, os.path.join(work, base + "-O0"), ["-O0"])
    predictions([plain, "--save", ckpt])
    p0 = predictions([plain, "--load", ckpt])
    frozen_flags = ["--inference", "--weights", ckpt]
    frozen = build(model, os.path.join(work, base + "-frozen"), frozen_flags, ["-DFROZEN"])
    p2 = predictions([frozen])
    assert len(p0) == len(p2) > 0, model
    err = max(abs(a - b) for a, b in zip(p0, p2)) / max(1e-30, max(abs(v) for v in p0))
    worst = max(worst, err)
    ir = subprocess.run(["nnc", model, "--emit=mlir"] + frozen_flags, check=True,
                        capture_output=True, text=True).stdout
    forward = ir[ir.index("func.func @forward"):]
    forward = forward[:forward.index("\n  }")]
    ops = {}
    for op in re.findall(r"= (nn\.[a-z0-9_]+)", forward):
        ops[op] = ops.get(op, 0) + 1
    print("%-24s predictions %.2e; @forward: %s" %
          (base, err, ", ".join("%s %d" % kv for kv in sorted(ops.items()))))
    assert err <= 1e-5, "%s: frozen and -O0 predictions differ by %.3g" % (model, err)
print("ok: %d models, worst relative difference %.2e" % (len(models), worst))
