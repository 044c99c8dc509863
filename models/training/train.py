#!/usr/bin/env python3
"""Train zkDx's shipped models and export them to ONNX with their model cards.

Everything comes from scikit-learn's bundled data sets; nothing is downloaded.
Run from the repository root:

    python3 -m pip install -r models/training/requirements.txt
    python3 models/training/train.py [model id …]   (default: every model)

Writes, for each model:
  models/<id>.onnx            the float model; standardisation is inside the graph
  models/<id>.json            the model card (digest and quantised accuracy are filled in
                              by `zkdx card-sync`, which is run afterwards)
  models/data/<id>-test.csv   the held-out test split (features + reference label/target)
  models/examples/*.csv|json  a few example patient records

The networks' ONNX graphs are written by hand with `onnx.helper` (Sub, Mul, Gemm, Relu,
Softmax); the gradient-boosted trees are exported by skl2onnx as scikit-learn users export
them (TreeEnsembleClassifier, which zkDx lowers itself). Each ONNX file carries its feature names and
plausible input ranges in `metadata_props` (key `zkdx.inputs`), so the model digest, which
covers those ranges, is reproducible from the ONNX file alone.
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 20261125

BC_UNITS = {
    "radius": ("image units", "mean distance from the centre of the nucleus to its perimeter"),
    "texture": ("grey levels", "standard deviation of grey-scale values"),
    "perimeter": ("image units", "perimeter of the nucleus"),
    "area": ("image units²", "area of the nucleus"),
    "smoothness": ("1", "local variation in radius lengths"),
    "compactness": ("1", "perimeter² / area − 1.0"),
    "concavity": ("1", "severity of concave portions of the contour"),
    "concave points": ("1", "number of concave portions of the contour (normalised)"),
    "symmetry": ("1", "symmetry of the nucleus"),
    "fractal dimension": ("1", "'coastline approximation' − 1"),
}
BC_STAT = {"mean": "mean over nuclei of", "error": "standard error over nuclei of", "worst": "mean of the three largest values of"}
# UCUM codes for the units above: annotations (pure numbers) for the image's own units
BC_UCUM = {"image units": "{image_unit}", "grey levels": "{grey_level}", "image units²": "{square_image_unit}", "1": "1"}
LOINC = "http://loinc.org"


def local_code(model_id, code, display):
    """A code in zkDx's local feature system, for features with no LOINC code (docs/fhir.md)."""
    return {"system": f"urn:zkdx:{model_id}:feature", "code": code, "display": display}


def bc_feature(name, lo, hi):
    stat, base = ("mean", name[5:]) if name.startswith("mean ") else (
        ("worst", name[6:]) if name.startswith("worst ") else ("error", name[:-6]))
    unit, desc = BC_UNITS[base]
    desc = f"{BC_STAT[stat]} {desc} (fine-needle aspirate image)"
    return {"name": name, "unit": unit, "description": desc, "min": lo, "max": hi,
            "code": local_code("breast-cancer", name.replace(" ", "-"), desc), "ucum": BC_UCUM[unit]}


# name, unit, description, range, code (LOINC where one exists), UCUM unit, molar mass (g/mol)
DIABETES = [
    ("age", "years", "age at baseline", 18, 100, (LOINC, "30525-0", "Age"), "a", None),
    ("sex", "code", "sex as recorded in the study (1 or 2)", 1, 2,
     ("local", "sex", "Sex as coded by the diabetes study (1 or 2)"), "{code}", None),
    ("bmi", "kg/m²", "body-mass index", 12, 60, (LOINC, "39156-5", "Body mass index (BMI) [Ratio]"), "kg/m2", None),
    ("bp", "mm Hg", "average blood pressure", 50, 160, (LOINC, "8478-0", "Mean blood pressure"), "mm[Hg]", None),
    ("s1", "mg/dL", "tc: total serum cholesterol", 80, 400,
     (LOINC, "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"), "mg/dL", 386.65),
    ("s2", "mg/dL", "ldl: low-density lipoproteins", 20, 300,
     (LOINC, "2089-1", "Cholesterol in LDL [Mass/volume] in Serum or Plasma"), "mg/dL", 386.65),
    ("s3", "mg/dL", "hdl: high-density lipoproteins", 15, 120,
     (LOINC, "2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma"), "mg/dL", 386.65),
    ("s4", "ratio", "tch: total cholesterol / HDL", 1, 12,
     (LOINC, "9830-1", "Cholesterol.total/Cholesterol in HDL [Mass Ratio] in Serum or Plasma"), "{ratio}", None),
    # the study's ltg is the natural log of triglycerides in mg/dL (its values are 3.3–6.1)
    ("s5", "ln(mg/dL)", "ltg: log of serum triglycerides", 3, 7,
     ("local", "s5", "Natural logarithm of serum triglycerides in mg/dL (the study's ltg)"), "{ln(mg/dL)}", None),
    ("s6", "mg/dL", "glu: blood sugar level", 50, 160,
     (LOINC, "2345-7", "Glucose [Mass/volume] in Serum or Plasma"), "mg/dL", 180.156),
]


def diabetes_feature(name, unit, desc, lo, hi, code, ucum, molar_mass):
    system, value, display = code
    coding = local_code("diabetes-progression", value, display) if system == "local" else \
        {"system": system, "code": value, "display": display}
    f = {"name": name, "unit": unit, "description": desc, "min": float(lo), "max": float(hi), "code": coding,
         "ucum": ucum}
    if molar_mass:
        f["molar_mass"] = molar_mass
    if name == "sex":  # a code: 1 or 2, nothing between
        f["allowed"] = [1.0, 2.0]
    return f


def dense_graph(model_id, features, mean, scale, layers, head, out_names, out_affine=None):
    """A graph: x -> (x - mean) * scale -> [Gemm -> Relu]* -> Gemm -> head."""
    n = len(features)
    inits = [numpy_helper.from_array(mean.astype(np.float32), "standardise_mean"),
             numpy_helper.from_array(scale.astype(np.float32), "standardise_scale")]
    nodes = [helper.make_node("Sub", ["input", "standardise_mean"], ["centred"], name="standardise_sub"),
             helper.make_node("Mul", ["centred", "standardise_scale"], ["standardised"], name="standardise_mul")]
    prev = "standardised"
    for i, (w, b) in enumerate(layers):
        inits += [numpy_helper.from_array(w.T.astype(np.float32), f"dense{i}_weight"),
                  numpy_helper.from_array(b.astype(np.float32), f"dense{i}_bias")]
        nodes.append(helper.make_node("Gemm", [prev, f"dense{i}_weight", f"dense{i}_bias"], [f"dense{i}"],
                                      name=f"dense{i}", transB=1))
        prev = f"dense{i}"
        if i + 1 < len(layers):
            nodes.append(helper.make_node("Relu", [prev], [f"relu{i}"], name=f"relu{i}"))
            prev = f"relu{i}"
    if out_affine is not None:
        mul, add = out_affine
        inits += [numpy_helper.from_array(np.array([mul], np.float32), "output_scale"),
                  numpy_helper.from_array(np.array([add], np.float32), "output_offset")]
        nodes += [helper.make_node("Mul", [prev, "output_scale"], ["scaled"], name="output_mul"),
                  helper.make_node("Add", ["scaled", "output_offset"], ["score"], name="output_add")]
        prev = "score"
    if head == "softmax":
        nodes.append(helper.make_node("Softmax", [prev], ["probabilities"], name="softmax", axis=1))
        prev = "probabilities"
    out_dim = layers[-1][0].shape[1]
    graph = helper.make_graph(nodes, model_id,
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, n])],
                              [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, out_dim])], inits)
    model = helper.make_model(graph, producer_name="zkdx-train", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    set_zkdx_metadata(model, features, out_names)
    onnx.checker.check_model(model)
    return model


def set_zkdx_metadata(model, features, out_names):
    """The features' names and plausible ranges, and the output names, in `metadata_props`."""
    inputs = [{"name": f["name"], "min": f["min"], "max": f["max"]} for f in features]
    helper.set_model_props(model, {"zkdx.inputs": json.dumps(inputs, separators=(",", ":")),
                                   "zkdx.outputs": json.dumps(out_names)})


def run_onnx(path, x):
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return np.concatenate([sess.run(None, {"input": row[None, :].astype(np.float32)})[0] for row in x])


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(fmt(v) for v in r) + "\n")


def fmt(v):
    return repr(float(v)) if not isinstance(v, str) else v


def nice_max(v):
    """Plausible upper bound: 1.5 × the data set's maximum, rounded up to 2 significant digits."""
    v = 1.5 * v
    e = 10 ** (np.floor(np.log10(v)) - 1)
    return float(np.ceil(v / e) * e)


BC_LABELS = ["malignant", "benign"]
BC_INTENDED_USE = ("Decision support: estimates whether a breast mass sampled by fine-needle aspiration is "
                   "malignant or benign from 30 nuclear features measured on the digitised aspirate image")
BC_LIMITATIONS = ("Trained on 426 records from one centre (University of Wisconsin, 1995). Not a diagnosis: "
                  "a clinician must interpret the result with imaging and histology. Features must be "
                  "measured the way the Wisconsin data set measured them.")
BC_DATA_SET = "scikit-learn load_breast_cancer (Wisconsin diagnostic)"


def breast_cancer_data():
    """The Wisconsin data, its seeded split (shared by both breast-cancer models) and features."""
    data = load_breast_cancer()
    x, y = data.data, data.target  # target 0 = malignant, 1 = benign
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=SEED, stratify=y)
    features = [bc_feature(name, 0.0, nice_max(x[:, i].max())) for i, name in enumerate(data.feature_names)]
    return data, (xtr, xte, ytr, yte), features


def write_breast_cancer_split(model_id, names, xte, yte):
    write_csv(os.path.join(ROOT, "models", "data", f"{model_id}-test.csv"), names + ["label"],
              [list(r) + [BC_LABELS[t]] for r, t in zip(xte, yte)])


def breast_cancer():
    data, (xtr, xte, ytr, yte), features = breast_cancer_data()
    mean, std = xtr.mean(0), xtr.std(0)
    clf = MLPClassifier(hidden_layer_sizes=(16, 8), activation="relu", max_iter=2000, random_state=SEED, alpha=1e-3)
    clf.fit((xtr - mean) / std, ytr)
    layers = list(zip(clf.coefs_, clf.intercepts_))
    # sklearn's binary head is one logistic unit; export it as two logits [-z/2, z/2]
    # so the graph ends in Softmax over (malignant, benign) with the same probabilities.
    w, b = layers[-1]
    layers[-1] = (np.concatenate([-w / 2, w / 2], axis=1), np.concatenate([-b / 2, b / 2]))
    labels = BC_LABELS
    model = dense_graph("breast-cancer", features, mean, 1.0 / std, layers, "softmax", labels)
    path = os.path.join(ROOT, "models", "breast-cancer.onnx")
    onnx.save(model, path)
    probs = run_onnx(path, xte)
    pred = probs.argmax(1)
    acc = float((pred == yte).mean())
    assert (pred == clf.predict((xte - mean) / std)).all(), "ONNX export disagrees with scikit-learn"
    names = list(data.feature_names)
    write_breast_cancer_split("breast-cancer", names, xte, yte)
    ex = os.path.join(ROOT, "models", "examples")
    mal, ben = int(np.where(yte == 0)[0][0]), int(np.where(yte == 1)[0][0])
    for tag, i in (("malignant", mal), ("benign", ben)):
        rec = {n: float(v) for n, v in zip(names, xte[i])}
        with open(os.path.join(ex, f"breast-cancer-{tag}.json"), "w") as f:
            json.dump(rec, f, indent=2)
            f.write("\n")
        write_csv(os.path.join(ex, f"breast-cancer-{tag}.csv"), names, [xte[i]])
    card = {
        "id": "breast-cancer",
        "name": "Breast mass malignancy (Wisconsin diagnostic)",
        "version": "1.0.0",
        "kind": "classification",
        "intended_use": BC_INTENDED_USE + ".",
        "limitations": BC_LIMITATIONS,
        "features": features,
        "labels": labels,
        "training": {"data_set": BC_DATA_SET, "train_records": len(ytr),
                     "test_records": len(yte), "architecture": "standardise → 30×16 ReLU → 16×8 ReLU → 8×2 softmax",
                     "seed": SEED},
        "metrics": {"float_accuracy": acc},
    }
    return card


def breast_cancer_gbt():
    """The same task, split and features as `breast-cancer`, learned by gradient-boosted trees
    and exported by skl2onnx as it stands (a TreeEnsembleClassifier that zkDx lowers itself)."""
    data, (xtr, xte, ytr, yte), features = breast_cancer_data()
    clf = GradientBoostingClassifier(n_estimators=60, max_depth=3, learning_rate=0.1, random_state=SEED)
    clf.fit(xtr.astype(np.float32), ytr)
    labels = BC_LABELS
    model = to_onnx(clf, initial_types=[("input", FloatTensorType([None, len(features)]))],
                    options={id(clf): {"zipmap": False}}, target_opset={"": 13, "ai.onnx.ml": 3})
    set_zkdx_metadata(model, features, labels)
    # skl2onnx lists its opsets in set order, which changes from run to run: sort them, so
    # that the file is the same byte for byte every time
    imports = [helper.make_opsetid(o.domain, o.version) for o in sorted(model.opset_import, key=lambda o: o.domain)]
    del model.opset_import[:]
    model.opset_import.extend(imports)
    path = os.path.join(ROOT, "models", "breast-cancer-gbt.onnx")
    onnx.save(model, path)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    pred = sess.run(None, {"input": xte.astype(np.float32)})[0]
    assert (pred == clf.predict(xte.astype(np.float32))).all(), "ONNX export disagrees with scikit-learn"
    acc = float((pred == yte).mean())
    write_breast_cancer_split("breast-cancer-gbt", list(data.feature_names), xte, yte)
    card = {
        "id": "breast-cancer-gbt",
        "name": "Breast mass malignancy, gradient-boosted trees (Wisconsin diagnostic)",
        "version": "1.0.0",
        "kind": "classification",
        "intended_use": BC_INTENDED_USE + ", with gradient-boosted decision trees (the same task and data as the "
                                          "breast-cancer network, for comparison).",
        "limitations": BC_LIMITATIONS,
        "features": features,
        "labels": labels,
        "training": {"data_set": BC_DATA_SET, "train_records": len(ytr),
                     "test_records": len(yte),
                     "architecture": "gradient boosting: 60 trees of depth ≤ 3, learning rate 0.1, logistic "
                                     "(exported by skl2onnx as TreeEnsembleClassifier)",
                     "seed": SEED},
        "metrics": {"float_accuracy": acc},
    }
    return card


def diabetes():
    data = load_diabetes(scaled=False)
    x, y = data.data, data.target
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=SEED)
    mean, std = xtr.mean(0), xtr.std(0)
    ymean, ystd = ytr.mean(), ytr.std()
    reg = MLPRegressor(hidden_layer_sizes=(16,), activation="relu", max_iter=3000, random_state=SEED, alpha=1e-2)
    reg.fit((xtr - mean) / std, (ytr - ymean) / ystd)
    layers = list(zip(reg.coefs_, reg.intercepts_))
    features = [diabetes_feature(*f) for f in DIABETES]
    assert all(f["min"] <= x[:, i].min() and x[:, i].max() <= f["max"] for i, f in enumerate(features))
    model = dense_graph("diabetes-progression", features, mean, 1.0 / std, layers, "none", ["progression"],
                        out_affine=(ystd, ymean))
    path = os.path.join(ROOT, "models", "diabetes-progression.onnx")
    onnx.save(model, path)
    pred = run_onnx(path, xte)[:, 0]
    mae = float(np.abs(pred - yte).mean())
    names = [f[0] for f in DIABETES]
    write_csv(os.path.join(ROOT, "models", "data", "diabetes-progression-test.csv"), names + ["target"],
              [list(r) + [t] for r, t in zip(xte, yte)])
    rec = {n: float(v) for n, v in zip(names, xte[0])}
    ex = os.path.join(ROOT, "models", "examples")
    with open(os.path.join(ex, "diabetes-progression.json"), "w") as f:
        json.dump(rec, f, indent=2)
        f.write("\n")
    write_csv(os.path.join(ex, "diabetes-progression.csv"), names, [xte[0]])
    card = {
        "id": "diabetes-progression",
        "name": "Diabetes disease progression at one year",
        "version": "1.0.0",
        "kind": "regression",
        "intended_use": "Research and decision support: predicts a quantitative measure of diabetes disease "
                        "progression one year after baseline from age, sex, BMI, blood pressure and six blood serum "
                        "measurements.",
        "limitations": "Trained on 331 patients of one study (Efron et al., 2004). The score is a study-specific "
                       "scale (about 25–346), not a clinical unit; use it to compare patients, not to diagnose.",
        "features": features,
        "output": {"name": "progression", "unit": "study score", "description":
                   "disease progression one year after baseline (higher is worse)", "resolution": 1.0,
                   "ucum": "{score}"},
        "training": {"data_set": "scikit-learn load_diabetes(scaled=False)", "train_records": len(ytr),
                     "test_records": len(yte), "architecture": "standardise → 10×16 ReLU → 16×1 → rescale",
                     "seed": SEED},
        "metrics": {"float_mae": mae},
    }
    return card


def main():
    # `train.py breast-cancer-gbt` trains only the models named (the others keep their files)
    models = {"breast-cancer": breast_cancer, "breast-cancer-gbt": breast_cancer_gbt, "diabetes-progression": diabetes}
    for card in (train() for model_id, train in models.items() if len(sys.argv) < 2 or model_id in sys.argv[1:]):
        path = os.path.join(ROOT, "models", card["id"] + ".json")
        old = {}
        if os.path.exists(path):
            with open(path) as f:
                old = json.load(f)
        # keep what `zkdx card-sync` and `zkdx calibrate` measured if the model did not change
        for key in ("digest", "scale_bits"):
            if key in old:
                card[key] = old[key]
        card["metrics"] = {**old.get("metrics", {}), **card["metrics"]}
        with open(path, "w") as f:
            json.dump(card, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(card["id"], card["metrics"])


if __name__ == "__main__":
    main()
