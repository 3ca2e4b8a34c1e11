"""Checks a metric in `NAME evaluate` output: expect_metric.py FILE NAME OP VALUE (OP: > or <)."""
import re
import sys

path, name, op, bound = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
text = open(path).read()
match = re.search(r"(?:^| - )%s: ([0-9.eE+-]+)" % re.escape(name), text)
if not match:
    sys.exit("no '%s: <value>' in %s: %r" % (name, path, text))
value = float(match.group(1))
ok = value > bound if op == ">" else value < bound
print("%s = %.4f (%s %s %g)" % (name, value, "ok:" if ok else "FAILED: want", op, bound))
sys.exit(0 if ok else 1)
