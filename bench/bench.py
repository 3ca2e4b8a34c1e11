"""nnc against PyTorch on the same models, data, batch sizes and thread count, interleaved.

usage: bench/run [--rounds R] [--models a,b] [--quick] [--out FILE.json] (--help: all)

For each model of examples/ (fashion-cnn, fashion-mlp, cats-dogs-regularised) it compiles
NAME.so with nnc (timing the compile, measuring the .so), then, R rounds, each
measurement in turn: nnc from a fresh process, then the PyTorch peer (one worker
process, torch_peer.py) with oneDNN on and off. Each side's median over the rounds is
reported; the peer's better configuration counts. Measurements:
- fit epoch b32 / b128 (Fashion-MNIST models): training the way `fit` does it, on the real
  training set in fit's shuffled order (a new permutation each epoch), at least one whole
  epoch per measurement (bench/nnc_epoch.c: the C API; the peer: torch_data.py's loop
  on the same batches). The b128 epoch also gives the train step's GFLOP/s, its FLOPs
  counted from the model graph (flops.py), as a fraction of peak.
- fit process b32 (fashion-cnn): the whole `./fashion-cnn fit --data fashion_mnist
  --epochs 1 --batch-size 32 --no-validation --quiet` process, against torch_fit.py's
  process (imports and data loading included on both sides).
- train b32 / b128 on one fixed batch (models without a data set here), inference at
  batch 256, batch-1 latency (bench/nnc_bench.c).
- peak fp32 (bench/peak.c) and cats-dogs-regularised's largest layers alone.
Prints the CPU (lscpu) and markdown tables; writes JSON (default bench/results/latest.json).
"""
import argparse
import importlib.util
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import flops as flopcount  # noqa: E402
import machine  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402

ROOT = measure.ROOT
MODELS = ["fashion-cnn", "fashion-mlp", "cats-dogs-regularised"]
FASHION = {"fashion-cnn", "fashion-mlp"}  # the models torch_peer.py trains on Fashion-MNIST
# (label, mode, batch); see report.py for the modes.
FASHION_MEASURES = [("fit epoch b32", "epoch", 32), ("fit epoch b128", "epoch", 128)]
FIXED_MEASURES = [("train b32 (one batch)", "train", 32), ("train b128 (one batch)", "train", 128)]
INFER_MEASURES = [("infer b256", "infer", 256), ("latency b1", "latency", 1)]
PROCESS_MEASURE = ("fit process b32", "process", 32)
SYSTEMS = ("nnc", "torch-onednn", "torch")  # each measurement in this order, every round
# Single layers of cats-dogs-regularised (input shape, layer, forward FLOPs per image).
LAYERS = {
    "conv2d_1 32x32x32->64 3x3": ("(32, 32, 32)", 'Conv2D(64, (3, 3), padding="same")',
                                  2 * 32 * 32 * 64 * 9 * 32),
    "conv2d_2 16x16x64->128 3x3": ("(16, 16, 64)", 'Conv2D(128, (3, 3), padding="same")',
                                   2 * 16 * 16 * 128 * 9 * 64),
    "dense 128->64": ("(128,)", "Dense(64)", 2 * 128 * 64),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def layer_source(shape, layer):
    return ("import tensorflow as tf\n\nmodel = tf.keras.Sequential([\n"
            "    tf.keras.Input(shape=%s),\n    tf.keras.layers.%s,\n])\n" % (shape, layer))


def measure_one(args, peer, model, exe, name, mode, batch, system, process_steps):
    """One measurement of one system; returns its result dict."""
    mkldnn = system == "torch-onednn"
    if mode == "epoch" and system == "nnc":
        return measure.nnc_epochs(args.work, model, args.data, batch, args.epochs, args.fraction,
                                  args.seed, args.threads)
    if mode == "epoch":
        return peer.measure(model=name, mode="epoch", batch=batch, data=args.data,
                            seed=args.seed, epochs=args.epochs, fraction=args.fraction,
                            mkldnn=mkldnn)
    if mode == "process" and system == "nnc":
        cmd, env = measure.nnc_fit_command(exe, args.data, batch, args.epochs, process_steps)
        return measure.fit_process(cmd, dict(env, HL_NUM_THREADS=str(args.threads)))
    if mode == "process":
        cmd = measure.peer_fit_command(name, args.data, batch, args.epochs, process_steps,
                                       args.threads, mkldnn)
        return measure.fit_process(cmd, {"OMP_NUM_THREADS": str(args.threads)})
    call = "train" if mode == "train" else "infer"
    if system == "nnc":
        return measure.nnc_calls(args.work, model, call, batch, args.seconds, args.threads)
    return peer.measure(model=name, mode=call, batch=batch, seconds=args.seconds, mkldnn=mkldnn)


def options():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0,
                    help="length of each fixed-batch, inference and latency measurement")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--fit-process", default="fashion-cnn",
                    help="models whose whole fit process is timed (comma list; '' for none)")
    ap.add_argument("--epochs", type=int, default=1, help="epochs per training measurement")
    ap.add_argument("--fraction", type=float, default=1.0,
                    help="share of each epoch's steps trained (below 1: smoke runs only)")
    ap.add_argument("--seed", type=int, default=42, help="weights and shuffling, as fit's")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--fixed-train", action="store_true",
                    help="also time the Fashion-MNIST models on one fixed batch (the old rows)")
    ap.add_argument("--skip-layers", action="store_true", help="no single-layer kernels")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 5%% of an epoch, 0.5 s measurements, no single layers "
                         "(numbers are not comparable with a full run)")
    ap.add_argument("--nnc", default=os.path.join(ROOT, "build", "tools", "nnc", "nnc"))
    ap.add_argument("--out", help="JSON results (default bench/results/latest.json; with "
                    "--quick, build/bench/quick.json)")
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench"))
    args = ap.parse_args()
    if args.quick:
        args.fraction, args.seconds, args.skip_layers = min(args.fraction, 0.05), 0.5, True
    if not args.out:
        args.out = (os.path.join(args.work, "quick.json") if args.quick else
                    os.path.join(ROOT, "bench", "results", "latest.json"))
    if not 0 < args.fraction <= 1:
        ap.error("--fraction must be in (0, 1]")
    return args


def main():
    args = options()
    if not os.path.exists(args.nnc):
        sys.exit("bench: no nnc at %s (build first: bash scripts/build)" % args.nnc)
    if importlib.util.find_spec("torch") is None:
        sys.exit("bench: the PyTorch peer is not installed for %s (install it: bash "
                 "scripts/install-deps --all)" % sys.executable)
    os.makedirs(args.work, exist_ok=True)
    measure.build_tools(args.work)
    models = [m for m in args.models.split(",") if m]
    have_data = os.path.exists(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    if not have_data:
        log("bench: no Fashion-MNIST at %s: fashion models train on one fixed batch" % args.data)
    plan, compiled, flops, exes = {}, {}, {}, {}
    for name in models:
        log("compiling %s" % name)
        source = os.path.join(ROOT, "examples", name + ".nn")
        compiled[name] = measure.compile_model(args.nnc, source, args.work, name)
        epochs = have_data and name in FASHION
        plan[name] = ((FASHION_MEASURES + (FIXED_MEASURES if args.fixed_train else []))
                      if epochs else FIXED_MEASURES) + INFER_MEASURES
        if epochs:
            flops[name] = flopcount.step_flops(args.nnc, source, 128)
        if epochs and name in args.fit_process.split(","):
            plan[name].append(PROCESS_MEASURE)
            exes[name] = measure.compile_executable(args.nnc, source, args.work, name)
    layers = {}
    for key, (shape, layer, layer_flops) in ({} if args.skip_layers else LAYERS).items():
        name = "layer_" + re.sub(r"[^a-z0-9]+", "_", key.split()[0])
        src = os.path.join(args.work, name + ".nn")
        open(src, "w").write(layer_source(shape, layer))
        layers[key] = (measure.compile_model(args.nnc, src, args.work, name), layer_flops)

    peer = measure.Peer(args.threads)
    samples = {}  # (model, measure, system) -> [result]
    peaks = [measure.peak_gflops(args.work, args.threads)]
    process_steps = 0
    if args.fraction < 1:
        process_steps = max(1, int(args.fraction * -(-60000 // 32) + 0.999999))
    for r in range(args.rounds):
        for name in models:
            for label, mode, batch in plan[name]:
                log("round %d/%d: %s %s" % (r + 1, args.rounds, name, label))
                for system in SYSTEMS:
                    res = measure_one(args, peer, compiled[name], exes.get(name), name, mode,
                                      batch, system, process_steps)
                    samples.setdefault((name, label, system), []).append(res)
        for key, (model, _) in layers.items():
            res = measure.nnc_calls(args.work, model, "infer", 128, args.seconds, args.threads)
            samples.setdefault(("layer", key, "nnc"), []).append(res)
    peer.close()
    peaks.append(measure.peak_gflops(args.work, args.threads))
    peak = max(peaks)

    cpu = machine.describe()
    result = report.tables(samples, plan, compiled, {k: f for k, (_, f) in layers.items()}, flops,
                           peak, args.threads, machine.lines(cpu))
    result.update(cpu=cpu, threads=args.threads, rounds=args.rounds, seconds=args.seconds,
                  epochs=args.epochs, fraction=args.fraction, seed=args.seed, peak_gflops=peak,
                  peak_samples=peaks,
                  samples=[{"model": k[0], "measure": k[1], "system": k[2], "results": v}
                           for k, v in samples.items()])
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    log("wrote %s" % args.out)


if __name__ == "__main__":
    main()
