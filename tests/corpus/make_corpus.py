#!/usr/bin/env python3
"""Write the hostile-input corpus (records and models); bundle cases are made at test time
from a fresh proof (tests/corpus.rs). Run from the repository root:
    python3 tests/corpus/make_corpus.py
Each folder's EXPECTED file lists: file, model (records only), the error text it must give."""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REC = os.path.join(ROOT, "tests", "corpus", "records")
MOD = os.path.join(ROOT, "tests", "corpus", "models")

BC = "breast-cancer"
DP = "diabetes-progression"
DP_HEAD = "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6"
DP_ROW = "61,1,24.6,101,209,106.8,77,3,4.8363,88"


def records():
    cases = []

    def add(name, content, model, expected):
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(os.path.join(REC, name), mode) as f:
            f.write(content)
        cases.append((name, model, expected))

    add("semicolons.csv", DP_HEAD.replace(",", ";") + "\n" + DP_ROW.replace(",", ";") + "\n", DP, "separated by `;`")
    add("tabs.csv", DP_HEAD.replace(",", "\t") + "\n" + DP_ROW.replace(",", "\t") + "\n", DP, "separated by `;` or tabs")
    add("bom-missing-column.csv", "\ufeff" + DP_HEAD.replace(",s6", "") + "\n" + DP_ROW.rsplit(",", 1)[0] + "\n", DP,
        "missing feature(s): s6")
    add("missing-column.csv", DP_HEAD.replace("bmi,", "") + "\n" + DP_ROW.replace(",24.6", "") + "\n", DP,
        "missing feature(s): bmi")
    add("duplicated-column.csv", DP_HEAD + ",bp\n" + DP_ROW + ",101\n", DP, "feature `bp` is given more than once")
    add("extra-column.csv", DP_HEAD + ",weight\n" + DP_ROW + ",80\n", DP, "unknown feature(s): weight")
    add("text-in-number.csv", DP_HEAD + "\n" + DP_ROW.replace("24.6", "twenty") + "\n", DP, "`twenty` is not a number")
    add("unit-suffix.csv", DP_HEAD + "\n" + DP_ROW.replace("24.6", "24.6 kg/m2") + "\n", DP, "is not a number")
    add("empty.csv", "", DP, "the record file is empty")
    add("whitespace.json", "  \n\t \n", DP, "the record file is empty")
    add("header-only.csv", DP_HEAD + "\n", DP, "a header row but no values")
    add("two-rows.csv", DP_HEAD + "\n" + DP_ROW + "\n" + DP_ROW + "\n", DP, "holds 2 data rows")
    add("ragged-row.csv", DP_HEAD + "\n" + DP_ROW + ",5\n", DP, "malformed CSV")
    add("nan.csv", DP_HEAD + "\n" + DP_ROW.replace("24.6", "NaN") + "\n", DP, "`bmi`: NaN is not a finite number")
    add("inf.csv", DP_HEAD + "\n" + DP_ROW.replace("101", "inf") + "\n", DP, "`bp`: inf is not a finite number")
    add("negative-inf.json", json.dumps({**dict(zip(DP_HEAD.split(","), DP_ROW.split(","))), "s1": "-Infinity"}), DP,
        "`s1`: -inf is not a finite number")
    add("out-of-range-high.csv", DP_HEAD + "\n" + DP_ROW.replace("24.6", "240") + "\n", DP,
        "`bmi` = 240 is outside the plausible range 12 to 60 kg/m²")
    add("out-of-range-low.json", json.dumps({**dict(zip(DP_HEAD.split(","), map(float, DP_ROW.split(",")))), "age": -3}),
        DP, "`age` = -3 is outside the plausible range")
    add("huge-number.csv", DP_HEAD + "\n" + DP_ROW.replace("209", "1e308") + "\n", DP, "outside the plausible range")
    add("json-array.json", "[61, 1, 24.6]", DP, "expected an object")
    add("json-truncated.json", '{"age": 61, "sex": ', DP, "malformed JSON")
    add("json-null.json", json.dumps({**dict(zip(DP_HEAD.split(","), map(float, DP_ROW.split(",")))), "sex": None}), DP,
        "`null` is not a number")
    add("json-nested.json", json.dumps({"features": dict(zip(DP_HEAD.split(","), map(float, DP_ROW.split(","))))}), DP,
        "another model")
    add("other-model.json", json.dumps(dict(zip(DP_HEAD.split(","), map(float, DP_ROW.split(","))))), BC, "another model")
    add("other-model-named.json", json.dumps({"model": DP, **dict(zip(DP_HEAD.split(","), map(float, DP_ROW.split(","))))}),
        BC, "this record is for model `diabetes-progression`")
    add("binary.csv", bytes(range(256)) * 4, DP, "not UTF-8")
    add("no-format.txt", "hello", DP, "cannot tell the record's format")
    with open(os.path.join(REC, "EXPECTED"), "w") as f:
        for c in cases:
            f.write("\t".join(c) + "\n")
    return len(cases)


def model(name, nodes, inits, in_shape, out_shape, meta=True, inputs_meta=None):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info(nodes[-1].output[0], TensorProto.FLOAT, out_shape)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    if meta:
        n = int(np.prod([d for d in in_shape if isinstance(d, int)]))
        helper.set_model_props(m, {"zkdx.inputs": json.dumps(inputs_meta or [{"name": f"x{i}", "min": -1.0, "max": 1.0}
                                                                             for i in range(n)])})
    return m


def t(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)


def models():
    cases = []
    rng = np.random.default_rng(3)

    def add(name, data, expected):
        path = os.path.join(MOD, name)
        if isinstance(data, bytes):
            open(path, "wb").write(data)
        else:
            onnx.save(data, path)
        cases.append((name, expected))

    good = open(os.path.join(ROOT, "models", "breast-cancer.onnx"), "rb").read()
    add("truncated.onnx", good[: len(good) // 2], "is not a readable ONNX model")
    add("truncated-header.onnx", good[:40], "is not a readable ONNX model")
    add("random-bytes.onnx", bytes(rng.integers(0, 256, 4096, dtype=np.uint8)), "is not a readable ONNX model")
    add("empty.onnx", b"", "no graph in the file")
    add("json-not-onnx.onnx", b'{"model": "breast-cancer"}', "is not a readable ONNX model")
    dense = [helper.make_node("Gemm", ["input", "w", "b"], ["y"], name="dense", transB=1)]
    add("lstm.onnx", model("lstm", [helper.make_node("LSTM", ["input", "W", "R"], ["y"], name="recurrent", hidden_size=2)],
                           [t("W", rng.normal(0, 1, (1, 8, 3))), t("R", rng.normal(0, 1, (1, 8, 2)))], [1, 1, 3], [1, 1, 1, 2]),
        "at node `recurrent`")
    add("tanh.onnx", model("tanh", dense + [helper.make_node("Tanh", ["y"], ["z"], name="squash")],
                           [t("w", rng.normal(0, 1, (2, 3))), t("b", [0, 0])], [1, 3], [1, 2]),
        "unsupported ONNX op `Tanh` at node `squash`")
    add("exp.onnx", model("exp", dense + [helper.make_node("Exp", ["y"], ["z"], name="exponent")],
                          [t("w", rng.normal(0, 1, (2, 3))), t("b", [0, 0])], [1, 3], [1, 2]),
        "unsupported ONNX op `Exp` at node `exponent`")
    add("dynamic-feature-axis.onnx", model("dyn", dense, [t("w", rng.normal(0, 1, (2, 3))), t("b", [0, 0])], [1, "F"], [1, 2]),
        "axis 1 is dynamic (`F`)")
    add("absurd-shape.onnx", model("absurd", dense, [t("w", rng.normal(0, 1, (2, 3))), t("b", [0, 0])],
                                   [1, 1 << 40], [1, 2], meta=False), "axis 1 has size 1099511627776")
    big = TensorProto(name="w", dims=[1 << 20, 3], data_type=TensorProto.FLOAT, raw_data=b"\0" * 48)
    add("tensor-larger-than-file.onnx", model("liar", dense, [big, t("b", [0, 0])], [1, 3], [1, 2]), "does not match shape")
    add("overflow.onnx", model("overflow", dense + [helper.make_node("Gemm", ["y", "w2", "b2"], ["z"], name="dense2", transB=1)],
                               [t("w", np.full((4, 3), 3e5)), t("b", np.zeros(4)), t("w2", np.full((2, 4), 3e5)),
                                t("b2", np.zeros(2))], [1, 3], [1, 2],
                               inputs_meta=[{"name": f"x{i}", "min": -1e6, "max": 1e6} for i in range(3)]),
        "a value can reach 2^")
    add("no-ranges.onnx", model("noranges", dense, [t("w", rng.normal(0, 1, (2, 3))), t("b", [0, 0])], [1, 3], [1, 2],
                                meta=False), "model has no input ranges")
    bad_meta = model("badmeta", dense, [t("w", rng.normal(0, 1, (2, 3))), t("b", [0, 0])], [1, 3], [1, 2], meta=False)
    helper.set_model_props(bad_meta, {"zkdx.inputs": "not json"})
    add("bad-metadata.onnx", bad_meta, "invalid zkDx metadata")
    add("residual.onnx", model("res", dense[:0] + [helper.make_node("Add", ["input", "input"], ["y"], name="double")], [],
                               [1, 3], [1, 3]), "two activations")
    add("two-inputs.onnx", helper.make_model(helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["y"], name="sum")], "two",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 2]), helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])]), opset_imports=[helper.make_opsetid("", 13)]),
        "exactly one input")
    with open(os.path.join(MOD, "EXPECTED"), "w") as f:
        for c in cases:
            f.write("\t".join(c) + "\n")
    return len(cases)


if __name__ == "__main__":
    os.makedirs(REC, exist_ok=True)
    os.makedirs(MOD, exist_ok=True)
    print("records", records(), "models", models())
