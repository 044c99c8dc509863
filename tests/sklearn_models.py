"""Models as scikit-learn users export them, for tests/cli.rs: trained on data sets that ship
inside scikit-learn, exported by skl2onnx with its defaults (ai.onnx.ml Scaler,
LinearClassifier with `label` and `probabilities` outputs and ZipMap, LinearRegressor), and
run by onnxruntime for the reference results. Uses tests/.venv (pinned in
tests/requirements.txt).

    tests/.venv/bin/python tests/sklearn_models.py OUT_DIR

writes, per model, OUT_DIR/<name>.onnx, <name>-data.csv (every record, features and `target`),
<name>-test.csv (features only) and <name>-reference.json (onnxruntime's label or score per
test record).
"""
import csv
import json
import os
import sys
import warnings

import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

warnings.filterwarnings("ignore")
SEED = 20261126
out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def write_csv(path, names, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        w.writerows([[repr(float(v)) for v in r] for r in rows])


def export(name, pipeline, data, classifier, options=None):
    x, y = data.data.astype(np.float32), data.target
    names = [n.replace(" ", "_") for n in data.feature_names]
    xtr, xte, ytr, _ = train_test_split(x, y, test_size=0.25, random_state=SEED)
    pipeline.fit(xtr, ytr)
    model = to_onnx(pipeline, xtr[:1], options=options, target_opset=13)
    path = os.path.join(out, name + ".onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    # the publisher's data, from which `zkdx card init` takes the plausible ranges
    write_csv(os.path.join(out, name + "-data.csv"), names + ["target"], [list(r) + [t] for r, t in zip(x, y)])
    write_csv(os.path.join(out, name + "-test.csv"), names, xte)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    results = session.run(None, {session.get_inputs()[0].name: xte})
    if classifier:
        reference = {"labels": [str(int(v)) for v in results[0]]}
    else:
        reference = {"scores": [float(v) for v in np.asarray(results[0]).reshape(-1)]}
    with open(os.path.join(out, name + "-reference.json"), "w") as f:
        json.dump(reference, f)
    print(name, [n.op_type for n in model.graph.node])


# skl2onnx's defaults: Scaler → LinearClassifier (label + probabilities) → ZipMap
export("sk-logistic-zipmap", make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)),
       load_breast_cancer(), True)
# the same without ZipMap: two tensor outputs, label and probabilities
export("sk-logistic", make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)),
       load_breast_cancer(), True, options={LogisticRegression: {"zipmap": False}})
# three classes: LinearClassifier with SOFTMAX
export("sk-logistic-iris", make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)), load_iris(), True,
       options={LogisticRegression: {"zipmap": False}})
# Scaler → LinearRegressor
export("sk-ridge", make_pipeline(StandardScaler(), Ridge()), load_diabetes(), False)
# MinMaxScaler (as Mul/Add) → MLP (MatMul/Add/Relu) → Reshape
export("sk-mlp-minmax", make_pipeline(MinMaxScaler(), MLPRegressor(hidden_layer_sizes=(16,), max_iter=3000,
                                                                   random_state=SEED)),
       load_diabetes(), False)
