#!/usr/bin/env python3
"""One ONNX backend test through a compiled model: conformance_case.py MODEL.so TEST_DIR.
Prints 'pass', 'fail DETAIL' or 'unsupported DETAIL' as its last line."""
import glob
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nncrun  # noqa: E402


def load(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def main():
    so, test_dir = sys.argv[1], sys.argv[2]
    model = nncrun.Model(so)
    sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if not sets:
        print("unsupported no test data sets")
        return
    for ds in sets:
        ins = [load(p) for p in sorted(glob.glob(os.path.join(ds, "input_*.pb")),
                                       key=lambda p: int(p.rsplit("_", 1)[1][:-3]))]
        outs = [load(p) for p in sorted(glob.glob(os.path.join(ds, "output_*.pb")),
                                        key=lambda p: int(p.rsplit("_", 1)[1][:-3]))]
        if any(a.ndim == 0 for a in ins) or len({a.shape[0] for a in ins}) > 1:
            print("unsupported inputs differ in their first dimension (nnc's batch)")
            return
        if any(o.ndim == 0 for o in outs) or any(o.shape[0] != ins[0].shape[0] for o in outs):
            print("unsupported an output does not keep the batch first")
            return
        got = model.predict(ins, [o.shape[1:] for o in outs])
        for k, (g, want) in enumerate(zip(got, outs)):
            want = want.astype(np.float64)
            if not np.allclose(g, want, rtol=1e-3, atol=1e-7, equal_nan=True):
                err = np.abs(g - want).max()
                print(f"fail {os.path.basename(ds)} output {k}: max abs error {err:.3g}")
                return
    print("pass")


if __name__ == "__main__":
    main()
