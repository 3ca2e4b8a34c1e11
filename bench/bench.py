"""nnc against PyTorch on the same models, batch sizes and thread count, interleaved.

usage: bench/run [--rounds R] [--seconds S] [--threads T] [--models a,b] [--out FILE.json]

For each model of examples/ (fashion-cnn, fashion-mlp, cats-dogs-regularised) it
compiles NAME.so with nnc (timing the compile, measuring the .so), then, R rounds,
each measurement in turn: nnc's C API from a fresh process (bench/nnc_bench.c), then
the PyTorch peer (bench/torch_peer.py, one worker process) with oneDNN on and off.
Each side's median over the rounds is reported; the peer's better configuration
counts. Measurements: training images/s at batch 32 and 128, inference images/s at
batch 256, batch-1 latency. It also measures the machine's peak fp32 FLOP/s
(bench/peak.c) and the forward kernels of cats-dogs-regularised's largest Conv2D and
Dense layers at batch 128 as a fraction of it. Prints a markdown table of ratios,
writes JSON (default bench/results/latest.json).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["fashion-cnn", "fashion-mlp", "cats-dogs-regularised"]
# (kind, mode, batch): what is measured for every model.
MEASURES = [("train b32", "train", 32), ("train b128", "train", 128),
            ("infer b256", "infer", 256), ("latency b1", "infer", 1)]
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


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def build_tools(work):
    cc = os.environ.get("CC", "cc")
    run([cc, "-O2", os.path.join(ROOT, "bench", "nnc_bench.c"), "-o",
         os.path.join(work, "nnc_bench"), "-ldl"])
    flags = ["-mavx512f", "-mfma"] if "avx512f" in open("/proc/cpuinfo").read() else ["-mavx2",
                                                                                      "-mfma"]
    run([cc, "-O2", *flags, os.path.join(ROOT, "bench", "peak.c"), "-o",
         os.path.join(work, "peak"), "-lpthread"])


def compile_model(nnc, source, work, name):
    so = os.path.join(work, name + ".so")
    start = time.perf_counter()
    run([nnc, source, "-o", so])
    seconds = time.perf_counter() - start
    header = open(os.path.join(work, name + ".h")).read()
    prefix = re.sub(r"[^A-Za-z0-9_]", "_", name)
    sizes = {k: int(re.search(r"#define %s_%s (\d+)" % (prefix.upper(), k), header).group(1))
             for k in ("INPUT_SIZE", "OUTPUT_SIZE")}
    label = re.search(r"#define %s_LABEL_SIZE (\d+)" % prefix.upper(), header)
    sizes["LABEL_SIZE"] = int(label.group(1)) if label else 0
    return {"so": so, "prefix": prefix, "compile_s": seconds, "size_bytes": os.path.getsize(so),
            **sizes}


def nnc_measure(work, model, mode, batch, seconds, threads):
    classes = 2 if model["OUTPUT_SIZE"] == 1 else model["OUTPUT_SIZE"]
    env = dict(os.environ, HL_NUM_THREADS=str(threads))
    out = run([os.path.join(work, "nnc_bench"), model["so"], model["prefix"], mode, str(batch),
               str(seconds), str(model["INPUT_SIZE"]), str(max(model["LABEL_SIZE"], 1)),
               str(model["OUTPUT_SIZE"]), str(classes)], env=env)
    return json.loads(out)


class Peer:
    def __init__(self, threads):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        self.proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "torch_peer.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env)
        self.threads = threads

    def measure(self, model, mode, batch, seconds, mkldnn):
        req = {"model": model, "mode": mode, "batch": batch, "seconds": seconds,
               "mkldnn": mkldnn, "threads": self.threads}
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the PyTorch peer stopped (is python3-torch installed?)")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def peak_gflops(work, threads):
    return json.loads(run([os.path.join(work, "peak"), str(threads), "1.0"]))["gflops"]


def layer_source(shape, layer):
    return ("import tensorflow as tf\n\nmodel = tf.keras.Sequential([\n"
            "    tf.keras.Input(shape=%s),\n    tf.keras.layers.%s,\n])\n" % (shape, layer))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--nnc", default=os.path.join(ROOT, "build", "tools", "nnc", "nnc"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "latest.json"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench"))
    args = ap.parse_args()
    if not os.path.exists(args.nnc):
        sys.exit("bench: no nnc at %s (build first: bash scripts/build)" % args.nnc)
    os.makedirs(args.work, exist_ok=True)
    build_tools(args.work)
    models = args.models.split(",")
    compiled = {}
    for name in models:
        log("compiling %s" % name)
        compiled[name] = compile_model(args.nnc, os.path.join(ROOT, "examples", name + ".nn"),
                                       args.work, name)
    layers = {}
    for key, (shape, layer, flops) in LAYERS.items():
        name = "layer_" + re.sub(r"[^a-z0-9]+", "_", key.split()[0])
        src = os.path.join(args.work, name + ".nn")
        open(src, "w").write(layer_source(shape, layer))
        layers[key] = (compile_model(args.nnc, src, args.work, name), flops)

    peer = Peer(args.threads)
    samples = {}  # (model, measure, system) -> [images/s]
    peaks = [peak_gflops(args.work, args.threads)]
    for r in range(args.rounds):
        for name in models:
            for kind, mode, batch in MEASURES:
                log("round %d/%d: %s %s" % (r + 1, args.rounds, name, kind))
                res = nnc_measure(args.work, compiled[name], mode, batch, args.seconds,
                                  args.threads)
                samples.setdefault((name, kind, "nnc"), []).append(res)
                for mkldnn in (True, False):
                    res = peer.measure(name, mode, batch, args.seconds, mkldnn)
                    samples.setdefault((name, kind, "torch-onednn" if mkldnn else "torch"),
                                       []).append(res)
        for key, (model, flops) in layers.items():
            res = nnc_measure(args.work, model, "infer", 128, args.seconds, args.threads)
            samples.setdefault(("layer", key, "nnc"), []).append(res)
    peer.close()
    peaks.append(peak_gflops(args.work, args.threads))
    peak = max(peaks)

    def median(key, field="images_per_s"):
        return statistics.median(s[field] for s in samples[key])

    rows, result = [], {"threads": args.threads, "rounds": args.rounds, "seconds": args.seconds,
                        "peak_gflops": peak, "peak_samples": peaks, "models": {}, "layers": {}}
    for name in models:
        entry = {"compile_s": compiled[name]["compile_s"],
                 "so_bytes": compiled[name]["size_bytes"], "measures": {}}
        for kind, mode, batch in MEASURES:
            nnc = median((name, kind, "nnc"))
            peers = {cfg: median((name, kind, cfg)) for cfg in ("torch-onednn", "torch")}
            best = max(peers, key=peers.get)
            ratio = nnc / peers[best]
            if kind.startswith("latency"):
                nnc_ms = median((name, kind, "nnc"), "ms_per_call")
                peer_ms = median((name, kind, best), "ms_per_call")
                rows.append("| %s | %s | %.3f ms | %.3f ms (%s) | %.2fx |" %
                            (name, kind, nnc_ms, peer_ms, best, peer_ms / nnc_ms))
            else:
                rows.append("| %s | %s | %.0f img/s | %.0f img/s (%s) | %.2fx |" %
                            (name, kind, nnc, peers[best], best, ratio))
            entry["measures"][kind] = {"nnc_images_per_s": nnc, "peer_images_per_s": peers,
                                       "peer_best": best, "ratio": ratio}
        result["models"][name] = entry
    print("| model | measure | nnc | PyTorch (best config) | nnc / PyTorch |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print("| model | nnc compile | .so size |")
    print("|---|---|---|")
    for name in models:
        print("| %s | %.1f s | %.2f MB |" % (name, compiled[name]["compile_s"],
                                            compiled[name]["size_bytes"] / 1e6))
    print()
    print("Peak fp32 (%d threads, FMA loop): %.1f GFLOP/s" % (args.threads, peak))
    print()
    print("| cats-dogs-regularised forward kernel, batch 128 | GFLOP/s | of peak |")
    print("|---|---|---|")
    for key, (model, flops) in layers.items():
        gflops = median(("layer", key, "nnc")) * flops * 1e-9
        print("| %s | %.1f | %.1f%% |" % (key, gflops, 100 * gflops / peak))
        result["layers"][key] = {"gflops": gflops, "fraction_of_peak": gflops / peak}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    log("wrote %s" % args.out)


if __name__ == "__main__":
    main()
