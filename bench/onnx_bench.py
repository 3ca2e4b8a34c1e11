#!/usr/bin/env python3
"""Inference of torchvision models imported from ONNX: nnc vs PyTorch, same process,
interleaved rounds.

  /usr/bin/python3 bench/onnx_bench.py [--models resnet18,...] [--rounds 3]
                                       [--threads 2] [--json bench/results/onnx-latest.json]

Each model (random weights, eval mode) is exported with torch.onnx.export (opset 13,
dynamic batch), compiled by build/tools/nnc/nnc to a .so, checked against PyTorch
(within 1e-4 of the largest output), then timed: the median latency of batch-1 calls
and the throughput of batch-8 calls, for nnc (its C API through ctypes) and for
PyTorch (torch.no_grad, the same thread count), round after round. Prints the CPU
(lscpu) and a markdown table of medians over the rounds.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle torch threads must not spin
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "onnx"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

import machine  # noqa: E402
import nncrun  # noqa: E402


def timed(fn, calls):
    """Seconds per call: the median of `calls` timed calls after two warm-ups."""
    fn()
    fn()
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="resnet18,mobilenet_v2,squeezenet1_1")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--nnc", default=os.path.join(ROOT, "build", "tools", "nnc", "nnc"))
    ap.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "onnx-latest.json"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.environ["HL_NUM_THREADS"] = str(args.threads)  # nnc's thread pool (runtime/threads.c)
    info = machine.describe()
    work = tempfile.mkdtemp(prefix="nnc-onnx-bench-")
    rows = []
    for name in args.models.split(","):
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None).eval()
        path = os.path.join(work, name + ".onnx")
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13,
                          input_names=["image"], dynamic_axes={"image": {0: "batch"}})
        so = os.path.join(work, name + ".so")
        t0 = time.time()
        subprocess.run([args.nnc, path, "-o", so], check=True)
        compile_s = time.time() - t0
        net = nncrun.Model(so)
        x1, x8 = torch.randn(1, 3, 224, 224), torch.randn(8, 3, 224, 224)
        with torch.no_grad():
            want = model(x8).numpy()
        got = net.predict([x8.numpy()], [want.shape[1:]])[0]
        err = float(np.abs(got - want).max() / np.abs(want).max())
        if err > 1e-4:
            sys.exit(f"{name}: nnc differs from PyTorch by {err:.2e}")
        a1, a8 = x1.numpy(), x8.numpy()
        shape = [want.shape[1:]]
        per = {"nnc_b1": [], "torch_b1": [], "nnc_b8": [], "torch_b8": []}
        with torch.no_grad():
            for _ in range(args.rounds):
                per["nnc_b1"].append(timed(lambda: net.predict([a1], shape), 20))
                per["torch_b1"].append(timed(lambda: model(x1), 20))
                per["nnc_b8"].append(timed(lambda: net.predict([a8], shape), 5))
                per["torch_b8"].append(timed(lambda: model(x8), 5))
        med = {k: statistics.median(v) for k, v in per.items()}
        row = {"model": name, "compile_s": round(compile_s, 1), "max_error": err,
               "nnc_b1_ms": med["nnc_b1"] * 1e3, "torch_b1_ms": med["torch_b1"] * 1e3,
               "nnc_b8_img_s": 8 / med["nnc_b8"], "torch_b8_img_s": 8 / med["torch_b8"],
               "rounds": per}
        row["b1_ratio"] = row["torch_b1_ms"] / row["nnc_b1_ms"]
        row["b8_ratio"] = row["nnc_b8_img_s"] / row["torch_b8_img_s"]
        rows.append(row)
        print(f"{name}: compiled in {compile_s:.1f} s, error {err:.1e}", flush=True)
    print()
    for line in machine.lines(info):
        print(line)
    print(f"Threads: {args.threads}; PyTorch {torch.__version__}; medians of {args.rounds} "
          f"interleaved rounds\n")
    print("| model | batch 1 nnc ms | batch 1 PyTorch ms | ratio | batch 8 nnc img/s | "
          "batch 8 PyTorch img/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['nnc_b1_ms']:.2f} | {r['torch_b1_ms']:.2f} | "
              f"{r['b1_ratio']:.2f}x | {r['nnc_b8_img_s']:.1f} | {r['torch_b8_img_s']:.1f} | "
              f"{r['b8_ratio']:.2f}x |")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"machine": info, "threads": args.threads, "torch": torch.__version__,
                   "rows": rows}, f, indent=1)
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
