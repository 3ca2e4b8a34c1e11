"""Writes the breast cancer table as the two-head model's CSV (Inputs/two-heads.nn):
each row the 29 measurements after the mean radius, then the diagnosis (the
diagnosis head's class id), then the mean radius / 10 (the radius head's target).
With --bad-class, the first row's diagnosis is 2, which the two-class head refuses;
with --bad-radius, the second row's radius is nan.
usage: two_heads_csv.py breast_cancer.csv OUT.csv [--bad-class | --bad-radius]"""
import sys

src, dst = sys.argv[1], sys.argv[2]
rows = [line.strip().split(",") for line in open(src)][1:]
with open(dst, "w") as out:
    for i, r in enumerate(rows):
        diagnosis = "2" if i == 0 and "--bad-class" in sys.argv else r[30]
        radius = "nan" if i == 1 and "--bad-radius" in sys.argv else "%.4f" % (float(r[0]) / 10)
        out.write(",".join(r[1:30] + [diagnosis, radius]) + "\n")
