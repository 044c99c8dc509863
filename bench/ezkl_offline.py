#!/usr/bin/env python3
"""The ezkl half of bench/compare_ezkl.py on a machine with no network (how the 16-core
numbers in the README were made, for the model ezkl cannot prove within 24 GiB).

Prepare on a connected machine, in the repository root, with bench/.venv made by
compare_ezkl.py:

    bench/.venv/bin/python bench/ezkl_offline.py --prepare models/breast-cancer.onnx bench/models/mlp-1m.onnx
    bench/.venv/bin/pip download --no-deps ezkl==23.0.5 -d bench/results/device

That writes each model's input list and record (the same ones compare_ezkl.py uses) to
bench/results/device/. On the other machine (the repository, target/release/zkdx, the
models and bench/results/device copied over):

    python3 -m zipfile -e bench/results/device/ezkl-23.0.5-*.whl /tmp/ezpkg
    PYTHONPATH=/tmp/ezpkg python3 bench/ezkl_offline.py models/breast-cancer.onnx bench/models/mlp-1m.onnx
    target/release/zkdx bench <the same models> --runs 3 --record bench/results/device/<id>-record.json …

Results: bench/results/device/ezkl.json (ezkl runs once per model).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_ezkl as c  # noqa: E402

DEVICE = os.path.join(c.ROOT, "bench", "results", "device")


def stem(model):
    return os.path.splitext(os.path.basename(model))[0]


def prepare(models):
    os.makedirs(DEVICE, exist_ok=True)
    for m in models:
        with open(os.path.join(DEVICE, stem(m) + "-inputs.json"), "w") as f:
            json.dump(c.model_inputs(m), f)
        record = c.record_for(m, DEVICE)
        target = os.path.join(DEVICE, stem(m) + "-record.json")
        if os.path.abspath(record) != os.path.abspath(target):
            with open(record) as src, open(target, "w") as dst:
                dst.write(src.read())


def run(models):
    results = {}
    for m in models:
        with open(os.path.join(DEVICE, stem(m) + "-inputs.json")) as f:
            inputs = json.load(f)
        c.model_inputs = lambda _path, inputs=inputs: inputs
        work = os.path.join("/tmp", "ezkl-work-" + stem(m))
        os.makedirs(work, exist_ok=True)
        try:
            results[stem(m)] = c.ezkl_run(m, os.path.join(DEVICE, stem(m) + "-record.json"), 1, work)
        except RuntimeError as e:
            results[stem(m)] = {"error": str(e)[:500]}
        print(stem(m), json.dumps(results[stem(m)])[:600], flush=True)
        with open(os.path.join(DEVICE, "ezkl.json"), "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--prepare":
        prepare(args[1:])
    else:
        run(args)
