"""The PyTorch peer of `MODEL fit --data fashion_mnist --no-validation --quiet`, as a process.

  python3 bench/torch_fit.py --model fashion-cnn --data DIR [--epochs 1] [--batch-size 32]
                             [--seed 42] [--steps-per-epoch N] [--threads 2] [--no-mkldnn]

Imports torch, reads the IDX .gz files with gzip and numpy, builds the model of
torch_peer.py with Adam and trains with torch_data.py's loop, every epoch a new
torch.randperm order (what a PyTorch script does; fit's own order in pure Python would
add about 0.15 s to the peer), no validation, nothing printed. bench.py times the whole process (wall clock, imports and
data loading included) against the nnc executable's fit.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import torch_data  # noqa: E402
from torch_peer import MODELS  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="fashion-cnn", choices=["fashion-cnn", "fashion-mlp"])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--steps-per-epoch", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-mkldnn", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.backends.mkldnn.enabled = not args.no_mkldnn
    torch.manual_seed(args.seed)
    cls = MODELS[args.model]
    x, y = torch_data.load_fashion(args.data, cls.shape)
    model = cls()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    steps = torch_data.steps_of(len(x), args.batch_size, 1.0)
    if args.steps_per_epoch > 0:
        steps = min(steps, args.steps_per_epoch)
    shuffle = torch.Generator().manual_seed(args.seed)
    for _ in range(args.epochs):
        order = torch.randperm(len(x), generator=shuffle)
        torch_data.train_epoch(model, opt, loss_fn, x, y, order, args.batch_size, steps)


if __name__ == "__main__":
    main()
