"""The bench's measurements, one call each: nnc's C tools, the PyTorch worker, fit processes.

- build_tools: bench/nnc_bench.c (fixed-batch calls), bench/nnc_epoch.c (epochs on
  Fashion-MNIST in fit's order, zlib) and bench/peak.c (peak fp32), built into the work dir.
- compile_model / compile_executable: nnc's .so (with its header's sizes) and executable.
- nnc_calls / nnc_epochs: one fresh process of nnc_bench / nnc_epoch, its JSON line.
- Peer: the PyTorch worker (torch_peer.py), one request per measurement.
- fit_process: wall clock of one whole training process (nnc's `fit`, or torch_fit.py).
"""
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def build_tools(work):
    cc = os.environ.get("CC", "cc")
    run([cc, "-O2", os.path.join(BENCH, "nnc_bench.c"), "-o", os.path.join(work, "nnc_bench"),
         "-ldl"])
    run([cc, "-O2", os.path.join(BENCH, "nnc_epoch.c"), "-o", os.path.join(work, "nnc_epoch"),
         "-ldl", "-lz"])
    avx512 = "avx512f" in open("/proc/cpuinfo").read()
    flags = ["-mavx512f", "-mfma"] if avx512 else ["-mavx2", "-mfma"]
    run([cc, "-O2", *flags, os.path.join(BENCH, "peak.c"), "-o", os.path.join(work, "peak"),
         "-lpthread"])


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
            "source": source, **sizes}


def compile_executable(nnc, source, work, name):
    exe = os.path.join(work, name)
    run([nnc, source, "-o", exe])
    return exe


def nnc_calls(work, model, mode, batch, seconds, threads):
    """Fixed-batch calls of train_step or predict for SECONDS (bench/nnc_bench.c)."""
    classes = 2 if model["OUTPUT_SIZE"] == 1 else model["OUTPUT_SIZE"]
    env = dict(os.environ, HL_NUM_THREADS=str(threads))
    out = run([os.path.join(work, "nnc_bench"), model["so"], model["prefix"], mode, str(batch),
               str(seconds), str(model["INPUT_SIZE"]), str(max(model["LABEL_SIZE"], 1)),
               str(model["OUTPUT_SIZE"]), str(classes)], env=env)
    return json.loads(out)


def nnc_epochs(work, model, data, batch, epochs, fraction, seed, threads):
    """Training epochs on Fashion-MNIST in fit's order (bench/nnc_epoch.c)."""
    env = dict(os.environ, HL_NUM_THREADS=str(threads))
    out = run([os.path.join(work, "nnc_epoch"), model["so"], model["prefix"], data, str(batch),
               str(epochs), repr(fraction), str(seed)], env=env)
    return json.loads(out)


class Peer:
    """The PyTorch worker: one process, one JSON request per measurement."""

    def __init__(self, threads):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        self.proc = subprocess.Popen([sys.executable, os.path.join(BENCH, "torch_peer.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env, cwd=BENCH)
        self.threads = threads

    def measure(self, **req):
        req["threads"] = self.threads
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise RuntimeError("the PyTorch peer stopped (is python3-torch installed?)")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the PyTorch peer stopped (is python3-torch installed?)")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def peak_gflops(work, threads):
    return json.loads(run([os.path.join(work, "peak"), str(threads), "1.0"]))["gflops"]


def fit_process(cmd, env):
    """Seconds of one whole process, start to exit (wall clock)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   env=dict(os.environ, **env))
    return {"seconds": time.perf_counter() - start}


def nnc_fit_command(exe, data, batch, epochs, steps):
    """(command, environment) of `fit --data fashion_mnist` on the IDX files in data."""
    data = os.path.realpath(data)
    named = os.path.basename(data) == "fashion-mnist"  # found as $NNC_DATA/fashion-mnist
    cmd = [exe, "fit", "--data", "fashion_mnist" if named else "idx:" + data,
           "--epochs", str(epochs), "--batch-size", str(batch), "--no-validation", "--quiet"]
    cmd += ["--steps-per-epoch", str(steps)] if steps else []
    return cmd, {"NNC_DATA": os.path.dirname(data)} if named else {}


def peer_fit_command(model, data, batch, epochs, steps, threads, mkldnn):
    cmd = [sys.executable, os.path.join(BENCH, "torch_fit.py"), "--model", model, "--data", data,
           "--epochs", str(epochs), "--batch-size", str(batch), "--threads", str(threads)]
    return (cmd + (["--steps-per-epoch", str(steps)] if steps else []) +
            ([] if mkldnn else ["--no-mkldnn"]))
