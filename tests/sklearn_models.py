"""Models as scikit-learn users export them, for tests/cli.rs: trained on data sets that ship
inside scikit-learn, exported by skl2onnx with its defaults (ai.onnx.ml Scaler,
LinearClassifier with `label` and `probabilities` outputs and ZipMap, LinearSVC's decision
scores, LinearRegressor), and
run by onnxruntime for the reference results. Tree ensembles: scikit-learn's random forest
and gradient boosting (skl2onnx), LightGBM and XGBoost (onnxmltools). Also a classifier written the way
`torch.onnx.export` writes one (standardisation as Sub and Div, Gemm with transB, ReLU, and
logits out: no softmax), built with onnx's helpers from a trained network's weights. Uses
tests/.venv (pinned in tests/requirements.txt).

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
from onnx import TensorProto, helper, numpy_helper
from skl2onnx import to_onnx
import lightgbm as lgb
import xgboost as xgb
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import LinearSVC

warnings.filterwarnings("ignore")
SEED = 20261126
out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def write_csv(path, names, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        w.writerows([[repr(float(v)) for v in r] for r in rows])


def torch_style_logits(pipeline, xtr, _):
    """The trained network as torch.onnx.export writes it: (x - mean) / std, Gemm (transB),
    ReLU, Gemm, logits out (no softmax), a symbolic batch axis, opset 17."""
    scaler, mlp = pipeline[0], pipeline[1]
    (w1, w2), (b1, b2) = mlp.coefs_, mlp.intercepts_
    f32 = lambda a, n: numpy_helper.from_array(np.asarray(a, dtype=np.float32), n)
    inits = [f32(scaler.mean_, "mean"), f32(scaler.scale_, "std"), f32(w1.T, "fc1.weight"), f32(b1, "fc1.bias"),
             f32(w2.T, "fc2.weight"), f32(b2, "fc2.bias")]
    nodes = [
        helper.make_node("Sub", ["input", "mean"], ["/Sub_output_0"], name="/Sub"),
        helper.make_node("Div", ["/Sub_output_0", "std"], ["/Div_output_0"], name="/Div"),
        helper.make_node("Gemm", ["/Div_output_0", "fc1.weight", "fc1.bias"], ["/fc1/Gemm_output_0"],
                         name="/fc1/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["/fc1/Gemm_output_0"], ["/relu/Relu_output_0"], name="/relu/Relu"),
        helper.make_node("Gemm", ["/relu/Relu_output_0", "fc2.weight", "fc2.bias"], ["output"],
                         name="/fc2/Gemm", alpha=1.0, beta=1.0, transB=1),
    ]
    graph = helper.make_graph(
        nodes, "main_graph",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", xtr.shape[1]])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch_size", w2.shape[1]])],
        inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="pytorch")


def export(name, pipeline, data, classifier, options=None, writer=None, logits=False):
    x, y = data.data.astype(np.float32), data.target
    names = [n.replace(" ", "_") for n in data.feature_names]
    xtr, xte, ytr, _ = train_test_split(x, y, test_size=0.25, random_state=SEED)
    pipeline.fit(xtr, ytr)
    if writer is None:
        model = to_onnx(pipeline, xtr[:1], options=options, target_opset=13)
    else:
        model = writer(pipeline, xtr, ytr)
    path = os.path.join(out, name + ".onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    # the publisher's data, from which `zkdx card init` takes the plausible ranges
    write_csv(os.path.join(out, name + "-data.csv"), names + ["target"], [list(r) + [t] for r, t in zip(x, y)])
    write_csv(os.path.join(out, name + "-test.csv"), names, xte)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    results = session.run(None, {session.get_inputs()[0].name: xte})
    if classifier and logits:
        # logits out: the label is their argmax
        reference = {"labels": [str(int(v)) for v in np.argmax(results[0], axis=1)]}
    elif classifier:
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
# LinearSVC: LinearClassifier with post_transform NONE, decision scores (not probabilities);
# binary: two mirrored rows and an ArrayFeatureExtractor picking class 1's score. skl2onnx
# 1.20 refuses this pipeline with no options at all (it offers LinearSVC a `zipmap` option
# that LinearSVC does not have), so the classifier's options are given, empty.
export("sk-svc", make_pipeline(StandardScaler(), LinearSVC(random_state=SEED)), load_breast_cancer(), True,
       options={LinearSVC: {}})
export("sk-svc-iris", make_pipeline(StandardScaler(), LinearSVC(random_state=SEED)), load_iris(), True,
       options={LinearSVC: {}})
# Scaler → LinearRegressor
export("sk-ridge", make_pipeline(StandardScaler(), Ridge()), load_diabetes(), False)
# MinMaxScaler (as Mul/Add) → MLP (MatMul/Add/Relu) → Reshape
export("sk-mlp-minmax", make_pipeline(MinMaxScaler(), MLPRegressor(hidden_layer_sizes=(16,), max_iter=3000,
                                                                   random_state=SEED)),
       load_diabetes(), False)
# torch-style: Sub/Div standardisation, Gemm/ReLU/Gemm, three logits and no softmax
export("torch-logits-iris", make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(16,), max_iter=3000,
                                                                          random_state=SEED)),
       load_iris(), True, writer=torch_style_logits, logits=True)


def xgboost_writer(n_features):
    def write(pipeline, xtr, ytr):
        from onnxmltools import convert_xgboost
        from onnxmltools.convert.common.data_types import FloatTensorType
        return convert_xgboost(pipeline, initial_types=[("input", FloatTensorType([None, n_features]))],
                               target_opset=13)
    return write


def lightgbm_writer(n_features):
    def write(pipeline, xtr, ytr):
        # onnxmltools' own FloatTensorType (it refuses skl2onnx's)
        from onnxmltools import convert_lightgbm
        from onnxmltools.convert.common.data_types import FloatTensorType
        return convert_lightgbm(pipeline, initial_types=[("input", FloatTensorType([None, n_features]))],
                                target_opset=13)
    return write


# tree ensembles: a random forest (binary, ZipMap: averaged votes), a random forest on three
# classes, gradient boosting (a regressor: summed scores) and LightGBM by onnxmltools (binary
# logistic, ZipMap)
export("sk-forest", RandomForestClassifier(n_estimators=10, max_depth=4, random_state=SEED),
       load_breast_cancer(), True)
export("sk-forest-iris", RandomForestClassifier(n_estimators=5, max_depth=3, random_state=SEED), load_iris(), True,
       options={RandomForestClassifier: {"zipmap": False}})
export("sk-gbr", GradientBoostingRegressor(n_estimators=20, max_depth=3, random_state=SEED), load_diabetes(), False)
# a scaler before the ensemble: tract lowers the Scaler, zkDx the trees after it
export("sk-scaled-forest", make_pipeline(StandardScaler(), RandomForestRegressor(n_estimators=5, max_depth=4,
                                                                                random_state=SEED)),
       load_diabetes(), False)
export("lgbm", lgb.LGBMClassifier(n_estimators=20, num_leaves=8, random_state=SEED, verbose=-1),
       load_breast_cancer(), True, writer=lightgbm_writer(30))
# XGBoost by onnxmltools: BRANCH_LT comparisons; binary logistic, and three classes (softmax)
export("xgb", xgb.XGBClassifier(n_estimators=20, max_depth=3, random_state=SEED), load_breast_cancer(), True,
       writer=xgboost_writer(30))
export("xgb-iris", xgb.XGBClassifier(n_estimators=10, max_depth=2, random_state=SEED), load_iris(), True,
       writer=xgboost_writer(4))
