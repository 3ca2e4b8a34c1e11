#!/usr/bin/env python3
"""A torchvision model (random weights, eval mode) exported by torch.onnx.export
(opset 13, dynamic batch), compiled by nnc, and compared with PyTorch at batch 1
and 8: the largest difference must stay within 1e-4 of the output's largest
magnitude. torchvision_parity.py MODEL WORKDIR"""
import os
import subprocess
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nncrun  # noqa: E402


def main():
    name, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    onnx_path = os.path.join(work, name + ".onnx")
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), onnx_path, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    so = os.path.join(work, name + ".so")
    subprocess.run(["nnc", onnx_path, "-o", so], check=True)
    net = nncrun.Model(so)
    worst = 0.0
    for n in (1, 8):
        x = torch.randn(n, 3, 224, 224)
        with torch.no_grad():
            want = model(x).numpy()
        got = net.predict([x.numpy()], [want.shape[1:]])[0]
        err = float(np.abs(got - want).max() / np.abs(want).max())
        print(f"{name} batch {n}: outputs {got.shape}, max error {err:.2e} of the largest output")
        worst = max(worst, err)
    if worst > 1e-4:
        sys.exit(f"{name}: error {worst:.2e} exceeds 1e-4")
    print(f"ok: {name} matches PyTorch")


if __name__ == "__main__":
    main()
