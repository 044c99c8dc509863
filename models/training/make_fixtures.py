#!/usr/bin/env python3
"""Write the small ONNX graphs that zkDx's tests lower, quantise and prove.

Run from the repository root: python3 models/training/make_fixtures.py
Writes tests/fixtures/*.onnx (committed; the tests do not need Python).
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures")
rng = np.random.default_rng(7)


def save(name, nodes, inits, in_shape, out_shape, inputs_meta=None, outputs_meta=None, opsets=None):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info(nodes[-1].output[0], TensorProto.FLOAT, out_shape)],
                              inits)
    model = helper.make_model(graph, producer_name="zkdx-fixtures",
                              opset_imports=opsets or [helper.make_opsetid("", 13)])
    model.ir_version = 8
    props = {}
    if inputs_meta is not None:
        props["zkdx.inputs"] = json.dumps(inputs_meta)
    if outputs_meta is not None:
        props["zkdx.outputs"] = json.dumps(outputs_meta)
    if props:
        helper.set_model_props(model, props)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def t(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)


def features(n, lo, hi, prefix="x"):
    return [{"name": f"{prefix}{i}", "min": lo, "max": hi} for i in range(n)]


def main():
    os.makedirs(OUT, exist_ok=True)
    # A small CNN: conv → BN → relu → maxpool → conv → relu → avgpool → flatten → gemm → softmax
    k1, b1 = rng.normal(0, 0.5, (2, 1, 3, 3)), rng.normal(0, 0.1, 2)
    k2, b2 = rng.normal(0, 0.4, (3, 2, 3, 3)), rng.normal(0, 0.1, 3)
    w, b = rng.normal(0, 0.5, (3, 3 * 1 * 1)), rng.normal(0, 0.1, 3)
    nodes = [
        helper.make_node("Conv", ["input", "k1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn1"], name="bn1"),
        helper.make_node("Relu", ["bn1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "k2", "b2"], ["c2"], name="conv2"),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("AveragePool", ["r2"], ["p2"], name="pool2", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w", "b"], ["logits"], name="dense", transB=1),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
    ]
    inits = [t("k1", k1), t("b1", b1), t("bn_s", [1.5, 0.7]), t("bn_b", [0.1, -0.2]), t("bn_m", [0.05, -0.1]),
             t("bn_v", [0.8, 1.2]), t("k2", k2), t("b2", b2), t("w", w), t("b", b)]
    save("tiny-cnn", nodes, inits, [1, 1, 8, 8], [1, 3], features(64, 0.0, 1.0, "px"), ["a", "b", "c"])

    # One logistic unit: Gemm → Sigmoid
    w, b = rng.normal(0, 1, (1, 4)), rng.normal(0, 0.1, 1)
    save("sigmoid-head", [helper.make_node("Gemm", ["input", "w", "b"], ["z"], name="dense", transB=1),
                          helper.make_node("Sigmoid", ["z"], ["p"], name="sigmoid")],
         [t("w", w), t("b", b)], [1, 4], [1, 1], features(4, -3.0, 3.0), ["negative", "positive"])

    # A sigmoid hidden layer: Gemm → Sigmoid → Gemm → Softmax
    save("sigmoid-hidden", [helper.make_node("Gemm", ["input", "w1", "b1"], ["h"], name="dense1", transB=1),
                            helper.make_node("Sigmoid", ["h"], ["s"], name="sigmoid"),
                            helper.make_node("Gemm", ["s", "w2", "b2"], ["z"], name="dense2", transB=1),
                            helper.make_node("Softmax", ["z"], ["p"], name="softmax", axis=1)],
         [t("w1", rng.normal(0, 2, (5, 3))), t("b1", rng.normal(0, 1, 5)), t("w2", rng.normal(0, 1, (2, 5))),
          t("b2", [0.1, -0.1])], [1, 3], [1, 2], features(3, -4.0, 4.0), ["no", "yes"])

    # Unsupported: Tanh after a dense layer
    save("unsupported-tanh", [helper.make_node("Gemm", ["input", "w", "b"], ["z"], name="dense", transB=1),
                              helper.make_node("Tanh", ["z"], ["y"], name="squash")],
         [t("w", rng.normal(0, 1, (2, 3))), t("b", [0, 0])], [1, 3], [1, 2], features(3, -1.0, 1.0))

    # Unsupported: an op tract does not know at all
    save("unknown-op", [helper.make_node("FancyOp", ["input"], ["y"], name="mystery", domain="com.example")],
         [], [1, 3], [1, 3], features(3, -1.0, 1.0),
         opsets=[helper.make_opsetid("", 13), helper.make_opsetid("com.example", 1)])

    # Unsupported: a residual connection (activation + activation)
    save("residual", [helper.make_node("Gemm", ["input", "w", "b"], ["z"], name="dense", transB=1),
                      helper.make_node("Add", ["z", "input"], ["y"], name="skip")],
         [t("w", rng.normal(0, 1, (3, 3))), t("b", [0, 0, 0])], [1, 3], [1, 3], features(3, -1.0, 1.0))

    # Overflow: enormous weights and ranges
    save("overflow", [helper.make_node("Gemm", ["input", "w", "b"], ["z"], name="dense", transB=1),
                      helper.make_node("Gemm", ["z", "w2", "b2"], ["y"], name="dense2", transB=1)],
         [t("w", np.full((4, 4), 3.0e5)), t("b", np.zeros(4)), t("w2", np.full((2, 4), 3.0e5)), t("b2", np.zeros(2))],
         [1, 4], [1, 2], features(4, -1.0e6, 1.0e6))

    # No zkDx metadata: needs a card for its ranges
    save("no-metadata", [helper.make_node("Gemm", ["input", "w", "b"], ["y"], name="dense", transB=1)],
         [t("w", rng.normal(0, 1, (2, 3))), t("b", [0.5, -0.5])], [1, 3], [1, 2])

    # Dynamic batch axis: pinned to 1 by zkDx
    graph = helper.make_graph([helper.make_node("Gemm", ["input", "w", "b"], ["y"], name="dense", transB=1)],
                              "dynamic-batch",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
                              [t("w", rng.normal(0, 1, (2, 3))), t("b", [0.5, -0.5])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    helper.set_model_props(model, {"zkdx.inputs": json.dumps(features(3, -2.0, 2.0))})
    onnx.save(model, os.path.join(OUT, "dynamic-batch.onnx"))


if __name__ == "__main__":
    main()
