"""FLOPs of one training step, counted from the model graph (`nnc MODEL.nn --emit=mlir -O0`).

  python3 bench/flops.py [--nnc NNC] MODEL.nn [BATCH]     prints the count as JSON

The counting (docs/perf.md, "Counting a train step's FLOPs"):
- forward, per sample: nn.dense 2 * in * out for every position it acts on (a Dense on
  the last axis of a (28, 64) tensor counts 28 positions); nn.conv2d
  2 * H_out * W_out * k_h * k_w * C_in * C_out. Shapes come from the op's operand and
  result types in @forward, not from per-model tables.
- backward, per sample: the weight gradient costs as much as the forward, and so does
  the input gradient, except for a layer whose input needs no gradient (nothing
  trainable before it: the model's first Conv2D or Dense).
- the optimizer, per step (not per sample): per trainable parameter Adam 12 FLOPs
  (m: 3, v: 4, the update w -= lr * m / (sqrt(v) + eps): 5), RMSprop 8, SGD 2 (4 with
  momentum).
- not counted: bias adds and bias gradients, activations, pooling, rescaling, batch
  normalization, dropout, the loss (a few FLOPs per element; listed apart as
  `other_per_sample`: one FLOP per output element of every forward op but Flatten, the
  bias add or activation of a Dense or Conv2D included, for reference).
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPTIMIZER_FLOPS = {"adam": 12, "rmsprop": 8, "sgd": 2}
TYPE = re.compile(r"tensor<([^>]*)>")
OP = re.compile(r"^\s*(%[\w#:]+) = (nn\.\w+|func\.call|call) ([^{:]*)")


def dims(text):
    """'?x28x28x1xf32' -> [None, 28, 28, 1]."""
    return [None if d == "?" else int(d) for d in text.split("x")[:-1]]


def prod(values):
    out = 1
    for v in values:
        out *= v
    return out


def count(mlir, batch):
    module = mlir.splitlines()[0]
    opt = re.search(r'nn\.optimizer = \{.*?name = "(\w+)"', module)
    momentum = re.search(r"momentum = ([0-9.e+-]+)", module)
    optimizer = opt.group(1) if opt else "adam"
    per_param = OPTIMIZER_FLOPS.get(optimizer, 12)
    if optimizer == "sgd" and momentum and float(momentum.group(1)) != 0:
        per_param = 4
    params, trainable_vars = 0, set()
    for m in re.finditer(r"nn\.variable @([\w.]+) : tensor<([^>]*)>( \{[^}]*\})?", mlir):
        if "trainable = false" not in (m.group(3) or ""):
            params += prod(dims(m.group(2)))
            trainable_vars.add(m.group(1))
    body = mlir.split("func.func @forward", 1)[1].split("\n  }", 1)[0]
    needs_grad = set()  # SSA values that depend on a trainable variable
    layers, other = [], 0
    for line in body.splitlines():
        m = OP.match(line)
        if not m:
            continue
        result, op, operands = m.group(1).split(":")[0], m.group(2), m.group(3)
        names = re.findall(r"%[\w#]+", operands)
        if op == "nn.read":
            if re.search(r"@([\w.]+)", line).group(1) in trainable_vars:
                needs_grad.add(result)
            continue
        if any(n in needs_grad for n in names):
            needs_grad.add(result)
        types = line.rsplit(" : ", 1)[1]
        ins, out = types.split("->") if "->" in types else (types, types)
        in_types = [dims(t) for t in TYPE.findall(ins)]
        out_shape = dims(TYPE.findall(out)[0])
        layer = re.search(r'layer = "([^"]*)"', line)
        name = layer.group(1) if layer else op
        if op in ("nn.dense", "nn.conv2d"):
            x, kernel = in_types[0], in_types[1]
            if op == "nn.dense":
                forward = 2 * prod(out_shape[1:-1]) * kernel[0] * kernel[1]
            else:
                forward = 2 * out_shape[1] * out_shape[2] * prod(kernel)
            dx = names[0] in needs_grad
            layers.append({"layer": name, "op": op[3:], "forward": forward,
                           "backward": forward * (2 if dx else 1), "input_gradient": dx})
        if op not in ("nn.flatten", "func.call", "call"):
            other += prod(out_shape[1:])
    forward = sum(l["forward"] for l in layers)
    backward = sum(l["backward"] for l in layers)
    update = per_param * params
    return {"layers": layers, "forward_per_sample": forward, "backward_per_sample": backward,
            "optimizer": optimizer, "optimizer_flops_per_param": per_param,
            "trainable_params": params, "update_per_step": update,
            "other_per_sample": other, "batch": batch,
            "step": batch * (forward + backward) + update}


def step_flops(nnc, source, batch):
    mlir = subprocess.run([nnc, source, "--emit=mlir", "-O0"], check=True, capture_output=True,
                          text=True).stdout
    return count(mlir, batch)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nnc", default=os.path.join(ROOT, "build", "tools", "nnc", "nnc"))
    ap.add_argument("model")
    ap.add_argument("batch", type=int, nargs="?", default=128)
    args = ap.parse_args()
    json.dump(step_flops(args.nnc, args.model, args.batch), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
