"""The bench's tables and JSON from its samples: medians over rounds, the peer's best config.

samples maps (model, measure, system) to the list of each round's result, system being
"nnc", "torch-onednn" or "torch". A measure is (label, mode, batch) with mode
  epoch    training epochs on Fashion-MNIST in fit's order (images/s; higher is better)
  train    fixed-batch train steps, infer: predict calls (images/s)
  latency  batch-1 predict calls (ms per call; lower is better)
  process  a whole `fit` process against torch_fit.py (seconds; lower is better)
"""
import statistics

PEERS = ("torch-onednn", "torch")


def median(samples, key, field):
    return statistics.median(s[field] for s in samples[key])


def step_gflops(result, flops):
    """Achieved GFLOP/s of an epoch result: every image's forward and backward, every
    step's optimizer update (flops from flops.py at the measured batch)."""
    per_sample = flops["forward_per_sample"] + flops["backward_per_sample"]
    work = result["images"] * per_sample + result["steps"] * flops["update_per_step"]
    return work / result["seconds"] * 1e-9


def measure_row(samples, name, label, mode):
    if mode == "latency":
        nnc = median(samples, (name, label, "nnc"), "ms_per_call")
        peers = {p: median(samples, (name, label, p), "ms_per_call") for p in PEERS}
        best = min(peers, key=peers.get)
        text = "%.3f ms" % nnc, "%.3f ms (%s)" % (peers[best], best), peers[best] / nnc
    elif mode == "process":
        nnc = median(samples, (name, label, "nnc"), "seconds")
        peers = {p: median(samples, (name, label, p), "seconds") for p in PEERS}
        best = min(peers, key=peers.get)
        text = "%.2f s" % nnc, "%.2f s (%s)" % (peers[best], best), peers[best] / nnc
    else:
        nnc = median(samples, (name, label, "nnc"), "images_per_s")
        peers = {p: median(samples, (name, label, p), "images_per_s") for p in PEERS}
        best = max(peers, key=peers.get)
        text = "%.0f img/s" % nnc, "%.0f img/s (%s)" % (peers[best], best), nnc / peers[best]
    row = "| %s | %s | %s | %s | %.2fx |" % (name, label, text[0], text[1], text[2])
    return row, {"nnc": nnc, "peer": peers, "peer_best": best, "ratio": text[2]}


def gflops_row(samples, name, label, flops, peak):
    nnc = statistics.median(step_gflops(s, flops) for s in samples[(name, label, "nnc")])
    peers = {p: statistics.median(step_gflops(s, flops) for s in samples[(name, label, p)])
             for p in PEERS}
    best = max(peers, key=peers.get)
    batch = label.split()[-1]
    row = "| %s | train step GFLOP/s %s (%% of peak) | %.1f (%.1f%%) | %.1f (%.1f%%) (%s) | %.2fx |" % (
        name, batch, nnc, 100 * nnc / peak, peers[best], 100 * peers[best] / peak, best,
        nnc / peers[best])
    return row, {"nnc_gflops": nnc, "nnc_fraction_of_peak": nnc / peak, "peer_gflops": peers,
                 "step_flops": flops["step"], "flops": flops}


def tables(samples, plan, compiled, layers, flops, peak, threads, machine_lines):
    """Prints the tables; returns the JSON-ready summary. plan: model -> [measure]."""
    out = {"models": {}, "layers": {}}
    rows = []
    for name, measures in plan.items():
        entry = {"measures": {}}
        if name in compiled:
            entry.update(compile_s=compiled[name]["compile_s"],
                         so_bytes=compiled[name]["size_bytes"])
        for label, mode, batch in measures:
            row, data = measure_row(samples, name, label, mode)
            rows.append(row)
            entry["measures"][label] = data
            if mode == "epoch" and batch == 128 and name in flops:
                row, data = gflops_row(samples, name, label, flops[name], peak)
                rows.append(row)
                entry["train_step_b128"] = data
        out["models"][name] = entry
    print("\n".join(machine_lines))
    print("Threads: %d each side" % threads)
    print()
    print("| model | measure | nnc | PyTorch (best config) | nnc / PyTorch |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print("| model | nnc compile | .so size |")
    print("|---|---|---|")
    for name in compiled:
        print("| %s | %.1f s | %.2f MB |" % (name, compiled[name]["compile_s"],
                                            compiled[name]["size_bytes"] / 1e6))
    print()
    print("Peak fp32 (%d threads, FMA loop): %.1f GFLOP/s" % (threads, peak))
    for name, f in flops.items():
        print("%s train step FLOPs at batch %d: %.1f M (forward %.2f M + backward %.2f M per "
              "sample, %s update %.2f M per step: %d FLOPs x %d parameters)" % (
                  name, f["batch"], f["step"] * 1e-6, f["forward_per_sample"] * 1e-6,
                  f["backward_per_sample"] * 1e-6, f["optimizer"], f["update_per_step"] * 1e-6,
                  f["optimizer_flops_per_param"], f["trainable_params"]))
    if layers:
        print()
        print("| cats-dogs-regularised forward kernel, batch 128 | GFLOP/s | of peak |")
        print("|---|---|---|")
    for key, layer_flops in layers.items():
        gflops = median(samples, ("layer", key, "nnc"), "images_per_s") * layer_flops * 1e-9
        print("| %s | %.1f | %.1f%% |" % (key, gflops, 100 * gflops / peak))
        out["layers"][key] = {"gflops": gflops, "fraction_of_peak": gflops / peak}
    return out
