#!/usr/bin/env python3
"""Writes small ONNX files for the importer's tests into DIR: make_models.py DIR.

good.onnx       Conv -> Relu -> GlobalAveragePool -> Flatten -> Gemm (dynamic batch)
external.onnx   the same with its weights in external.bin (external data)
no-external.onnx  external.onnx's graph whose data file is missing
truncated.onnx  good.onnx cut in half; text.onnx: not protobuf at all
unsupported-op.onnx  a ConvTranspose node; opset5.onnx: opset 5; opset18.onnx: 18
dynamic-dim.onnx  an input whose second dimension is symbolic
cycle.onnx      two nodes that read each other's outputs
int-input.onnx  an int64 graph input
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def conv_model(name="good"):
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "conv.w")
    b = numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "conv.b")
    fw = numpy_helper.from_array(rng.standard_normal((5, 4)).astype(np.float32), "fc.w")
    fb = numpy_helper.from_array(rng.standard_normal(5).astype(np.float32), "fc.b")
    nodes = [
        helper.make_node("Conv", ["x", "conv.w", "conv.b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["y"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])], [w, b, fw, fb])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def save(model, path, check=True):
    if check:
        onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = lambda n: os.path.join(out, n)
    good = conv_model()
    save(good, p("good.onnx"))
    onnx.save_model(conv_model("external"), p("external.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="external.bin", size_threshold=0)
    onnx.save_model(conv_model("external"), p("no-external.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="missing.bin", size_threshold=0)
    os.remove(p("missing.bin"))
    data = good.SerializeToString()
    with open(p("truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(p("text.onnx"), "w") as f:
        f.write("this is not an ONNX model\n")

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3, 8, 8])
    w = numpy_helper.from_array(np.ones((3, 2, 2, 2), np.float32), "w")
    ct = helper.make_graph([helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="upsample")],
                           "ct", [x], [y], [w])
    save(helper.make_model(ct, opset_imports=[helper.make_opsetid("", 13)]), p("unsupported-op.onnx"))
    relu = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "r", [x], [y])
    save(helper.make_model(relu, opset_imports=[helper.make_opsetid("", 5)]), p("opset5.onnx"), check=False)
    save(helper.make_model(relu, opset_imports=[helper.make_opsetid("", 18)]), p("opset18.onnx"), check=False)
    xd = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", "C", 8, 8])
    dyn = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "d", [xd], [y])
    save(helper.make_model(dyn, opset_imports=[helper.make_opsetid("", 13)]), p("dynamic-dim.onnx"))
    cyc = helper.make_graph([helper.make_node("Add", ["x", "b"], ["a"], name="first"),
                             helper.make_node("Relu", ["a"], ["b"], name="second"),
                             helper.make_node("Relu", ["a"], ["y"], name="out")], "c", [x], [y])
    save(helper.make_model(cyc, opset_imports=[helper.make_opsetid("", 13)]), p("cycle.onnx"), check=False)
    xi = helper.make_tensor_value_info("x", TensorProto.INT64, ["N", 4])
    y = helper.make_tensor_value_info("y", TensorProto.INT64, ["N", 4])
    ints = helper.make_graph([helper.make_node("Identity", ["x"], ["y"], name="id")], "i", [xi], [y])
    save(helper.make_model(ints, opset_imports=[helper.make_opsetid("", 13)]), p("int-input.onnx"))


if __name__ == "__main__":
    main()
