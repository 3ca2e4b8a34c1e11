"""Checks a metric in `NAME evaluate` output: expect_metric.py FILE NAME OP BOUND (OP: > or
<; BOUND: a number, or another evaluate output file whose NAME is the bound)."""
import os
import re
import sys


def metric(path, name):
    text = open(path).read()
    match = re.search(r"(?:^| - )%s: ([0-9.eE+-]+)" % re.escape(name), text)
    if not match:
        sys.exit("no '%s: <value>' in %s: %r" % (name, path, text))
    return float(match.group(1))


path, name, op = sys.argv[1], sys.argv[2], sys.argv[3]
bound = metric(sys.argv[4], name) if os.path.isfile(sys.argv[4]) else float(sys.argv[4])
value = metric(path, name)
ok = value > bound if op == ">" else value < bound
print("%s = %.4f (%s %s %g)" % (name, value, "ok:" if ok else "FAILED: want", op, bound))
sys.exit(0 if ok else 1)
