#!/usr/bin/env python3
"""Generate the benchmark models deterministically (seeded) and export them to ONNX with
zkDx input ranges: a scaling family of dense MLPs (256-wide inputs) and a small CNN.

    python3 bench/make_models.py            # writes bench/models/*.onnx (git-ignored)
    python3 bench/make_models.py mlp-650    # only mlp-650 (any other name: the whole family)

Needs onnx and numpy; without them it runs itself in bench/.venv (made from
bench/requirements.txt, as bench/compare_ezkl.py does).

| model    | shape                                   | parameters |
|----------|-----------------------------------------|------------|
| mlp-10k  | 256 → 36 → 16 → 2                       | 9,878      |
| mlp-100k | 256 → 256 → 128 → 2                     | 98,946     |
| mlp-1m   | 256 → 1024 → 768 → 2                    | 1,051,906  |
| mlp-4m   | 256 → 2048 → 1792 → 2                   | 4,201,730  |
| cnn-250k | 1×28×28 → conv 16 → pool → conv 32 → pool → 150 → 10 | 241,660 |
| mlp-18m  | 256 → 4096 → 4096 → 2                   | 17,842,178 |
| mlp-27m  | 256 → 5120 → 5120 → 2                   | 27,545,602 |
| mlp-650  | 30 → 20 → 2, logits out                 | 662        |
| mlp-100m | 256 → 10240 → 9728 → 2                  | 102,275,586 |
| cnn-imaging | 1×64×64 → 5 conv blocks (8, 32, 128, 256, 256 channels, 3×3) → 64 → 2 | 1,186,994 (68,976,768 multiply-adds) |

mlp-18m and mlp-27m are the ones to prove within 20 GiB (`zkdx bench` reports peak memory);
both fill a 2^18-row circuit, the largest that fits. mlp-650 is a plain tabular classifier
as scikit-learn or PyTorch users export one: standardisation outside the graph (inputs in
[-4, 4] standard deviations), Gemm, ReLU, Gemm, two logits and no softmax; it has its own
seed, so adding it changed none of the others.

mlp-100m and cnn-imaging are larger than one circuit: `zkdx bench --segment-bits N` proves
them in segments (README, "Models larger than one circuit"). They are made only when named
(`python3 bench/make_models.py mlp-100m cnn-imaging`; mlp-100m is a 400 MB file), each with
its own seed. cnn-imaging is shaped like a small medical-imaging classifier (one 64×64
channel in, two classes out); its weights are scaled so that each output's weights sum to
about 1.2 in magnitude, which keeps the bound analysis of seven layers within the field.
"""
import json
import os
import sys

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import compare_ezkl

    compare_ezkl.ensure_venv()
    raise

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "models")
SEED = 20261125


def t(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)


def save(name, nodes, inits, in_shape, out_dim, lo, hi):
    n = int(np.prod(in_shape))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info(nodes[-1].output[0], TensorProto.FLOAT, [1, out_dim])],
                              inits)
    model = helper.make_model(graph, producer_name="zkdx-bench", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    helper.set_model_props(model, {
        "zkdx.inputs": json.dumps([{"name": f"x{i}", "min": lo, "max": hi} for i in range(n)], separators=(",", ":")),
        "zkdx.outputs": json.dumps([f"class {i}" for i in range(out_dim)]),
    })
    onnx.save(model, os.path.join(OUT, name + ".onnx"))
    params = sum(int(np.prod(i.dims)) for i in inits)
    print(f"{name}: {params:,} parameters")


def mlp(name, widths, rng, softmax=True, lo=-1.0, hi=1.0):
    nodes, inits, prev = [], [], "input"
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        w = rng.normal(0, np.sqrt(2.0 / a), (b, a))
        inits += [t(f"w{i}", w), t(f"b{i}", rng.normal(0, 0.01, b))]
        nodes.append(helper.make_node("Gemm", [prev, f"w{i}", f"b{i}"], [f"d{i}"], name=f"dense{i}", transB=1))
        prev = f"d{i}"
        if i + 2 < len(widths):
            nodes.append(helper.make_node("Relu", [prev], [f"r{i}"], name=f"relu{i}"))
            prev = f"r{i}"
    if softmax:
        nodes.append(helper.make_node("Softmax", [prev], ["p"], name="softmax", axis=1))
    save(name, nodes, inits, [1, widths[0]], widths[-1], lo, hi)


def cnn(rng):
    k1, k2 = rng.normal(0, np.sqrt(2 / 9), (16, 1, 3, 3)), rng.normal(0, np.sqrt(2 / 144), (32, 16, 3, 3))
    w1, w2 = rng.normal(0, np.sqrt(2 / 1568), (150, 1568)), rng.normal(0, np.sqrt(2 / 150), (10, 150))
    nodes = [
        helper.make_node("Conv", ["input", "k1", "c1b"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "k2", "c2b"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("MaxPool", ["r2"], ["p2"], name="pool2", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w1", "b1"], ["d1"], name="dense1", transB=1),
        helper.make_node("Relu", ["d1"], ["r3"], name="relu3"),
        helper.make_node("Gemm", ["r3", "w2", "b2"], ["d2"], name="dense2", transB=1),
        helper.make_node("Softmax", ["d2"], ["p"], name="softmax", axis=1),
    ]
    inits = [t("k1", k1), t("c1b", np.zeros(16)), t("k2", k2), t("c2b", np.zeros(32)), t("w1", w1),
             t("b1", np.zeros(150)), t("w2", w2), t("b2", np.zeros(10))]
    save("cnn-250k", nodes, inits, [1, 1, 28, 28], 10, 0.0, 1.0)


def cnn_imaging(rng):
    channels = [1, 8, 32, 128, 256, 256]
    nodes, inits, prev = [], [], "input"
    for i, (a, b) in enumerate(zip(channels, channels[1:])):
        n = a * 9
        inits += [t(f"k{i}", rng.normal(0, 1.5 / n, (b, a, 3, 3))), t(f"kb{i}", np.zeros(b))]
        nodes.append(helper.make_node("Conv", [prev, f"k{i}", f"kb{i}"], [f"c{i}"], name=f"conv{i}", pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"], name=f"relu{i}"))
        prev = f"r{i}"
        if i != 3:  # 64 → 32 → 16 → 8 → (8) → 4
            nodes.append(helper.make_node("MaxPool", [prev], [f"p{i}"], name=f"pool{i}", kernel_shape=[2, 2],
                                          strides=[2, 2]))
            prev = f"p{i}"
    nodes.append(helper.make_node("Flatten", [prev], ["f"], name="flatten"))
    inits += [t("w1", rng.normal(0, 1.5 / 4096, (64, 4096))), t("b1", np.zeros(64)),
              t("w2", rng.normal(0, 1.5 / 64, (2, 64))), t("b2", np.zeros(2))]
    nodes += [
        helper.make_node("Gemm", ["f", "w1", "b1"], ["d1"], name="dense1", transB=1),
        helper.make_node("Relu", ["d1"], ["r5"], name="relu5"),
        helper.make_node("Gemm", ["r5", "w2", "b2"], ["d2"], name="dense2", transB=1),
        helper.make_node("Softmax", ["d2"], ["p"], name="softmax", axis=1),
    ]
    save("cnn-imaging", nodes, inits, [1, 1, 64, 64], 2, 0.0, 1.0)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    # in this order, from one generator: each model's weights depend on those before it
    family = [
        ("mlp-10k", lambda: mlp("mlp-10k", [256, 36, 16, 2], rng)),
        ("mlp-100k", lambda: mlp("mlp-100k", [256, 256, 128, 2], rng)),
        ("mlp-1m", lambda: mlp("mlp-1m", [256, 1024, 768, 2], rng)),
        ("mlp-4m", lambda: mlp("mlp-4m", [256, 2048, 1792, 2], rng)),
        ("cnn-250k", lambda: cnn(rng)),
        ("mlp-18m", lambda: mlp("mlp-18m", [256, 4096, 4096, 2], rng)),
        ("mlp-27m", lambda: mlp("mlp-27m", [256, 5120, 5120, 2], rng)),
    ]
    wanted = set(sys.argv[1:])
    own_seed = {"mlp-650", "mlp-100m", "cnn-imaging"}
    if not wanted or wanted - own_seed:
        for _, make in family:
            make()
    if not wanted or "mlp-650" in wanted:
        mlp("mlp-650", [30, 20, 2], np.random.default_rng(SEED + 650), softmax=False, lo=-4.0, hi=4.0)
    # larger than one circuit: only when named
    if "mlp-100m" in wanted:
        mlp("mlp-100m", [256, 10240, 9728, 2], np.random.default_rng(SEED + 100))
    if "cnn-imaging" in wanted:
        cnn_imaging(np.random.default_rng(SEED + 64))


if __name__ == "__main__":
    main()
