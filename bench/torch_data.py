"""Fashion-MNIST for the PyTorch peer, in fit's batch order, and the peer's epoch loop.

load_fashion(dir) reads the IDX .gz files with gzip and numpy (pixels 0..255 as float32,
labels as int64), as `fit --data fashion_mnist` reads them. epoch_order(n, seed, epoch) is
runtime/fit_data.c's permutation (splitmix64 from (seed, epoch), Fisher-Yates), so the peer
trains on the same batches in the same order as nnc (bench/nnc_epoch.c, and fit itself).
train_epoch is the peer's usual loop over shuffled batches of tensors already in memory.
"""
import gzip
import os

import numpy as np
import torch

MASK = (1 << 64) - 1


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0] or data[1] or data[2] != 8:
        raise ValueError("%s: not an IDX file of bytes" % path)
    dims = [int.from_bytes(data[4 + 4 * d:8 + 4 * d], "big") for d in range(data[3])]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def load_fashion(root, shape):
    """(x, y): x float32 of shape (n, *shape) in 0..255, y int64 class ids."""
    x = read_idx(os.path.join(root, "train-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(root, "train-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(x.astype(np.float32)).reshape(len(x), *shape)
    return x, torch.from_numpy(y.astype(np.int64))


def epoch_order(n, seed, epoch):
    order = list(range(n))
    state = (seed * 0x2545F4914F6CDD1D + epoch) & MASK
    for i in range(n - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        j = (z ^ (z >> 31)) % (i + 1)
        order[i], order[j] = order[j], order[i]
    return torch.tensor(order, dtype=torch.int64)


def steps_of(n, batch, fraction):
    full = (n + batch - 1) // batch
    return max(1, min(full, int(fraction * full + 0.999999)))


def train_epoch(model, opt, loss_fn, x, y, order, batch, steps):
    """One epoch (or its first `steps` batches); returns (images, last loss)."""
    model.train()
    images, loss = 0, None
    for s in range(steps):
        idx = order[s * batch:(s + 1) * batch]
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        images += len(idx)
    return images, float(loss)
