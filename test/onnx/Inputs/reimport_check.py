#!/usr/bin/env python3
"""reimport_check.py MODEL.onnx REIMPORTED.so DIR N [TOL]: onnx.checker accepts the
exported model, and the .so nnc compiled from it predicts, for the N samples of
DIR/input.bin, DIR/output.bin (what the .nn model's .so predicted): exactly, or within
TOL of the largest output."""
import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nncrun  # noqa: E402

onnx_path, so, folder, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tol = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
model = onnx.load(onnx_path)
onnx.checker.check_model(model)
print("checker: ok, opset", model.opset_import[0].version, "nodes",
      " ".join(sorted({node.op_type for node in model.graph.node})))
x = np.fromfile(os.path.join(folder, "input.bin"), np.float32).reshape(n, -1)
want = np.fromfile(os.path.join(folder, "output.bin"), np.float32).reshape(n, -1)
got = nncrun.Model(so).predict([x], [(want.shape[1],)])[0]
err = float(np.abs(got - want).max() / np.abs(want).max())
if (tol == 0 and not np.array_equal(got, want)) or err > tol:
    sys.exit(f"re-imported predictions differ: {err:.3g} of the largest output")
print(f"re-imported: {n} samples {'identical' if tol == 0 else 'within %g' % tol}")
