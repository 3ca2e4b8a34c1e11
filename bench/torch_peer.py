"""The PyTorch peer of bench.py: the benchmark models written in PyTorch, timed on request.

Runs as a worker: one JSON request per stdin line
  {"model": "fashion-cnn", "mode": "train"|"infer", "batch": 32, "seconds": 2.0,
   "mkldnn": true, "threads": 2}
answered by one JSON line {"images_per_s": R, "ms_per_call": T, "calls": N}; or, for
the Fashion-MNIST models, training epochs on the real data in fit's order
(torch_data.py; the same batches as bench/nnc_epoch.c):
  {"model": "fashion-cnn", "mode": "epoch", "batch": 32, "data": DIR, "seed": 42,
   "epochs": 1, "fraction": 1.0, "mkldnn": true, "threads": 2}
answered by {"images_per_s": R, "images": N, "steps": S, "seconds": T, "loss": L}.
Each model follows its .nn file in examples/ (same layers, sizes, optimizer, loss);
augmentation (cats-dogs-regularised, training only) is one flip plus one
rotation-and-zoom resampling per batch (affine_grid + grid_sample, reflect padding).
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import torch_data


class FashionCNN(nn.Module):
    shape, classes = (1, 28, 28), 10

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 3, padding=1)
        self.fc1 = nn.Linear(14 * 14 * 32, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x / 255.0)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class FashionMLP(nn.Module):
    shape, classes = (28, 28), 10

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(28 * 64, 10)

    def forward(self, x):
        x = F.relu(self.fc2(F.relu(self.fc1(x / 255.0))))
        return self.fc3(x.flatten(1))


def augment(x):
    n = x.shape[0]
    flip = torch.rand(n) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    angle = (torch.rand(n) * 0.2 - 0.1) * 2 * math.pi
    zoom = 1 + (torch.rand(n) * 0.2 - 0.1)
    cos, sin, zero = torch.cos(angle) * zoom, torch.sin(angle) * zoom, torch.zeros(n)
    theta = torch.stack([torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)


class CatsDogsRegularised(nn.Module):
    shape, classes = (3, 64, 64), 2

    def __init__(self):
        super().__init__()
        chans = [3, 32, 64, 128]
        self.convs = nn.ModuleList(nn.Conv2d(a, b, 3, padding=1) for a, b in zip(chans, chans[1:]))
        self.bns = nn.ModuleList(nn.BatchNorm2d(b, eps=1e-3, momentum=0.01) for b in chans[1:])
        self.fc1 = nn.Linear(128, 64)
        self.fc2 = nn.Linear(64, 1)

    def forward(self, x):
        if self.training:
            x = augment(x)
        x = x / 255.0
        for conv, bn in zip(self.convs, self.bns):
            x = F.max_pool2d(F.relu(bn(conv(x))), 2)
        x = F.dropout(x.mean((2, 3)), 0.5, self.training)
        return self.fc2(F.leaky_relu(self.fc1(x), 0.1))


MODELS = {"fashion-cnn": FashionCNN, "fashion-mlp": FashionMLP,
          "cats-dogs-regularised": CatsDogsRegularised}


DATA = {}  # (dir, shape) -> (x, y), loaded once per worker


def measure_epochs(req):
    """Two warm-up steps on the first batch, then the epochs, timed together."""
    cls = MODELS[req["model"]]
    key = (req["data"], cls.shape)
    if key not in DATA:
        DATA[key] = torch_data.load_fashion(req["data"], cls.shape)
    x, y = DATA[key]
    seed, batch, epochs = int(req.get("seed", 42)), int(req["batch"]), int(req.get("epochs", 1))
    steps = torch_data.steps_of(len(x), batch, float(req.get("fraction", 1.0)))
    orders = [torch_data.epoch_order(len(x), seed, e) for e in range(epochs)]
    model = cls()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    warm = torch.arange(min(batch, len(x)))  # the first batch, as nnc_epoch.c warms up
    for _ in range(2):
        torch_data.train_epoch(model, opt, loss_fn, x, y, warm, batch, 1)
    images, start = 0, time.perf_counter()
    for order in orders:
        done, loss = torch_data.train_epoch(model, opt, loss_fn, x, y, order, batch, steps)
        images += done
    seconds = time.perf_counter() - start
    return {"images_per_s": images / seconds, "images": images, "steps": steps * epochs,
            "seconds": seconds, "loss": loss}


def measure(req):
    torch.set_num_threads(int(req.get("threads", 2)))
    torch.backends.mkldnn.enabled = bool(req.get("mkldnn", True))
    torch.manual_seed(42)
    if req["mode"] == "epoch":
        return measure_epochs(req)
    cls = MODELS[req["model"]]
    model = cls()
    batch, train = int(req["batch"]), req["mode"] == "train"
    x = torch.rand(batch, *cls.shape) * 255
    if cls.classes == 2:
        y = (torch.arange(batch) % 2).float()[:, None]
        loss_fn = nn.BCEWithLogitsLoss()
        finish = torch.sigmoid
    else:
        y = torch.arange(batch) % cls.classes
        loss_fn = nn.CrossEntropyLoss()
        finish = lambda z: torch.softmax(z, 1)  # noqa: E731
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train(train)

    def call():
        if train:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        else:
            with torch.inference_mode():
                finish(model(x))

    for _ in range(2):
        call()
    calls, start = 0, time.perf_counter()
    while True:
        call()
        calls += 1
        if time.perf_counter() - start >= float(req["seconds"]):
            break
    elapsed = time.perf_counter() - start
    return {"images_per_s": calls * batch / elapsed, "ms_per_call": elapsed * 1e3 / calls,
            "calls": calls}


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(measure(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
