"""Runs a model nnc compiled to NAME.so (with NAME.h) on numpy inputs through its C API.

The inputs are packed one row per sample, each input flattened at its offset (the
order of the ONNX graph's inputs); the outputs come back split the same way.
"""
import ctypes
import os
import re

import numpy as np


def _header_ints(header):
    values = {}
    with open(header) as f:
        for line in f:
            m = re.match(r"#define (\w+) (-?\d+)", line)
            if m:
                values[m.group(1)] = int(m.group(2))
    return values


class Model:
    def __init__(self, so_path):
        base = os.path.splitext(so_path)[0]
        name = re.sub(r"\W", "_", os.path.basename(base))
        self.defs = _header_ints(base + ".h")
        self.upper = name.upper()
        self.lib = ctypes.CDLL(os.path.abspath(so_path))
        self.prefix = name
        fn = lambda s: getattr(self.lib, f"{name}_{s}")
        fn("create").restype = ctypes.c_void_p
        fn("create").argtypes = [ctypes.c_uint64]
        fn("predict").argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p]
        fn("destroy").argtypes = [ctypes.c_void_p]
        self.lib.nnc_last_error.restype = ctypes.c_char_p
        self.handle = fn("create")(0)
        if not self.handle:
            raise RuntimeError(self.lib.nnc_last_error().decode())
        self._predict = fn("predict")
        self.input_size = self.defs[self.upper + "_INPUT_SIZE"]
        self.output_size = self.defs[self.upper + "_OUTPUT_SIZE"]

    def predict(self, inputs, output_shapes):
        """inputs: arrays with the batch first; output_shapes: each output's shape
        without the batch. Returns the outputs as float32 arrays."""
        n = inputs[0].shape[0]
        x = np.concatenate([np.asarray(a, np.float32).reshape(n, -1) for a in inputs], axis=1)
        assert x.shape[1] == self.input_size, (x.shape, self.input_size)
        x = np.ascontiguousarray(x)
        y = np.zeros((n, self.output_size), np.float32)
        rc = self._predict(self.handle, x.ctypes.data, n, y.ctypes.data)
        if rc != 0:
            raise RuntimeError(self.lib.nnc_last_error().decode())
        outs, at = [], 0
        for shape in output_shapes:
            size = int(np.prod(shape, dtype=np.int64))
            outs.append(y[:, at:at + size].reshape((n,) + tuple(shape)))
            at += size
        return outs
