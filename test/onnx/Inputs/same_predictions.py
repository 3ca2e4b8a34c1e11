#!/usr/bin/env python3
"""same_predictions.py A.so B.so: both compiled models give identical outputs on
random inputs (batch 3)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nncrun  # noqa: E402

a, b = nncrun.Model(sys.argv[1]), nncrun.Model(sys.argv[2])
x = np.random.default_rng(1).standard_normal((3, a.input_size)).astype(np.float32)
ya = a.predict([x], [(a.output_size,)])[0]
yb = b.predict([x], [(b.output_size,)])[0]
assert ya.shape == (3, a.output_size) and np.all(np.isfinite(ya)), ya
if not np.array_equal(ya, yb):
    sys.exit(f"outputs differ: {np.abs(ya - yb).max()}")
print(f"same: {ya.shape[0]} samples of {ya.shape[1]} outputs")
