"""Compiles every .nn file given, runs opt_parity.c (predictions on 8 samples, then the
losses of 10 train steps) with HL_NUM_THREADS set to each thread count, and checks that
every run prints exactly the same numbers as the one-thread run.
usage: thread_counts.py WORKDIR CC_COMMAND MODEL.nn..."""
import os
import shlex
import subprocess
import sys

from parity_build import build_parity

work, cc, models = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3:]
COUNTS = [1, 2, 3, 17]

for model in models:
    base = os.path.splitext(os.path.basename(model))[0]
    exe = build_parity(model, os.path.join(work, base), cc)
    outputs = {}
    for n in COUNTS:
        done = subprocess.run([exe], capture_output=True, text=True,
                              env=dict(os.environ, HL_NUM_THREADS=str(n)))
        if done.returncode != 0:
            sys.exit("%s with %d threads failed (%d):\n%s" % (exe, n, done.returncode, done.stderr))
        outputs[n] = done.stdout.split("\n")
        assert any(l.startswith("loss ") for l in outputs[n]), "%s: no train step ran" % model
    for n in COUNTS[1:]:
        for i, (a, b) in enumerate(zip(outputs[1], outputs[n])):
            assert a == b, "%s: line %d differs with %d threads: %r, 1 thread: %r" % (
                model, i + 1, n, b, a)
        assert len(outputs[1]) == len(outputs[n])
    print("%-28s %d lines identical with %s threads" %
          (os.path.basename(model), len(outputs[1]), ", ".join(map(str, COUNTS))))
print("ok: %d models, %d thread counts, identical outputs" % (len(models), len(COUNTS)))
