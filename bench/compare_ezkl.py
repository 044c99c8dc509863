#!/usr/bin/env python3
"""zkDx against ezkl on the same ONNX models, in one run on one machine.

    python3 bench/compare_ezkl.py                 # shipped models + MLPs from 650 to 1M parameters
    python3 bench/compare_ezkl.py --runs 3 --models models/breast-cancer.onnx

For each model both provers prove the same input (a shipped example record, or a seeded
random record within the model's ranges) and the script checks they agree on the result
(the label, or the score within 1%). zkDx's numbers come from `zkdx bench --record`
(release build, circuit build not counted in prove). ezkl runs the documented pipeline
(gen_settings, calibrate_settings "resources", compile_circuit, gen_srs — generated
locally, nothing downloaded — gen_witness, setup, prove, verify) with private inputs,
public outputs and the weights fixed in the circuit; each step runs in its own process so
its peak resident memory (ru_maxrss) is its own. Setup and SRS generation are reported but
not counted in prove. Ratios are zkDx / ezkl: below 1 means zkDx is faster, smaller or
leaner.

ezkl comes from PyPI, pinned in bench/requirements.txt; the script creates bench/.venv for
it on first use. Results: bench/results/compare.{json,md} (git-ignored).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")
RESULTS = os.path.join(ROOT, "bench", "results")
DEFAULT_MODELS = [
    "models/breast-cancer.onnx",
    "models/diabetes-progression.onnx",
    # a plain tabular MLP (standardisation outside the graph, logits out): zkDx's fixed cost
    "bench/models/mlp-650.onnx",
    "bench/models/mlp-10k.onnx",
    "bench/models/mlp-100k.onnx",
    "bench/models/mlp-1m.onnx",
]
EXAMPLES = {
    "breast-cancer": "models/examples/breast-cancer-malignant.json",
    "diabetes-progression": "models/examples/diabetes-progression.json",
}


def ensure_venv():
    """Re-run the running script inside bench/.venv with the pinned requirements."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "-r", os.path.join(ROOT, "bench", "requirements.txt")],
                   check=True)
    os.execv(python, [python, os.path.abspath(sys.argv[0])] + sys.argv[1:])


def model_inputs(path):
    import onnx
    props = {p.key: p.value for p in onnx.load(path, load_external_data=False).metadata_props}
    return json.loads(props["zkdx.inputs"])


def record_for(path, work):
    """A record for the model: the shipped example, or seeded random values in range."""
    import numpy as np
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem in EXAMPLES:
        return os.path.join(ROOT, EXAMPLES[stem])
    rng = np.random.default_rng(20261125)
    rec = {i["name"]: float(rng.uniform(i["min"], i["max"])) for i in model_inputs(path)}
    out = os.path.join(work, stem + "-record.json")
    with open(out, "w") as f:
        json.dump(rec, f)
    return out


def step(code, cwd):
    """Run `code` (which prints its own timing last) in a fresh Python; (seconds, peak MB)."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen([sys.executable, "-c", "import ezkl, time, json, sys\n" + code], cwd=cwd, stdout=out)
        _, status, usage = os.wait4(p.pid, 0)
        out.seek(0)
        text = out.read().decode()
    if status != 0:
        why = "killed (out of memory?)" if os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9 else f"status {status}"
        call = next((line for line in code.splitlines() if "ezkl." in line), code)
        raise RuntimeError(f"ezkl step {call.strip()[:80]!r} failed: {why}\n{text}")
    return float(text.strip().splitlines()[-1]), usage.ru_maxrss / 1024


TIMED = "t = time.perf_counter()\nr = {call}\nassert r is not False, r\nprint(time.perf_counter() - t)\n"


def ezkl_run(model, record, runs, work):
    stem = os.path.splitext(os.path.basename(model))[0]
    d = os.path.join(work, "ezkl-" + stem)
    os.makedirs(d, exist_ok=True)
    names = [i["name"] for i in model_inputs(model)]
    with open(record) as f:
        rec = json.load(f)
    with open(os.path.join(d, "input.json"), "w") as f:
        json.dump({"input_data": [[float(rec[n]) for n in names]]}, f)
    model = os.path.abspath(model)
    res = {}
    step(f"""a = ezkl.PyRunArgs()
a.input_visibility = "private"; a.output_visibility = "public"; a.param_visibility = "fixed"
t = time.perf_counter()
assert ezkl.gen_settings({model!r}, "settings.json", py_run_args=a)
assert ezkl.calibrate_settings("input.json", {model!r}, "settings.json", "resources")
assert ezkl.compile_circuit({model!r}, "model.compiled", "settings.json")
print(time.perf_counter() - t)""", d)
    with open(os.path.join(d, "settings.json")) as f:
        res["logrows"] = json.load(f)["run_args"]["logrows"]
    res["srs_s"], _ = step(TIMED.format(call=f'ezkl.gen_srs("kzg.srs", {res["logrows"]})'), d)
    step(TIMED.format(call='ezkl.gen_witness("input.json", "model.compiled", "witness.json")'), d)
    res["setup_s"], res["setup_peak_mb"] = step(
        TIMED.format(call='ezkl.setup("model.compiled", "vk.key", "pk.key", "kzg.srs")'), d)
    proves, verifies, peaks = [], [], []
    for _ in range(runs):
        s, mb = step(TIMED.format(call='ezkl.prove("witness.json", "model.compiled", "pk.key", "proof.json", "kzg.srs")'), d)
        proves.append(s)
        peaks.append(mb)
        s, _ = step(TIMED.format(call='ezkl.verify("proof.json", "settings.json", "vk.key", "kzg.srs")'), d)
        verifies.append(s * 1000)
    res["prove_s"], res["verify_ms"], res["peak_mb"] = (statistics.median(proves), statistics.median(verifies),
                                                      max(peaks))
    with open(os.path.join(d, "proof.json")) as f:
        proof = json.load(f)
    raw = proof.get("proof")
    res["proof_bytes"] = len(raw) if isinstance(raw, list) else len(bytes.fromhex(proof["hex_proof"].removeprefix("0x")))
    with open(os.path.join(d, "witness.json")) as f:
        witness = json.load(f)
    res["outputs"] = [float(v) for v in witness["pretty_elements"]["rescaled_outputs"][0]]
    return res


def zkdx_run(model, record, runs, work):
    stem = os.path.splitext(os.path.basename(model))[0]
    out = os.path.join(work, "zkdx-" + stem + ".json")
    subprocess.run([os.path.join(ROOT, "target", "release", "zkdx"), "bench", model, "--runs", str(runs),
                    "--record", record, "--json", out], check=True, cwd=ROOT)
    with open(out) as f:
        return json.load(f)[0]


def agree(z, e):
    """Both provers give the same result: the label for classifiers, the score within 1%."""
    if z["label"] is not None:
        ezkl_label = max(range(len(e["outputs"])), key=lambda i: e["outputs"][i])
        return z["label"] == ezkl_label, f"label {z['label']} / {ezkl_label}"
    a, b = z["outputs"][0], e["outputs"][0]
    return abs(a - b) <= 0.01 * max(1.0, abs(a), abs(b)), f"score {a:.3f} / {b:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", nargs="*", default=DEFAULT_MODELS)
    ap.add_argument("--runs", type=int, default=3, help="zkDx runs per model (median)")
    ap.add_argument("--ezkl-runs", type=int, default=1,
                    help="ezkl prove/verify runs per model (median); ezkl's 1M-parameter prove alone takes minutes")
    args = ap.parse_args()
    ensure_venv()
    import ezkl
    if any(m.startswith("bench/models/") and not os.path.exists(os.path.join(ROOT, m)) for m in args.models):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_models.py")], check=True)
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "zkdx-cli"], check=True, cwd=ROOT)
    os.makedirs(RESULTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="zkdx-vs-ezkl-")
    rows = []
    for m in args.models:
        path = os.path.join(ROOT, m)
        record = record_for(path, work)
        print(f"== {m}", flush=True)
        z = zkdx_run(path, record, args.runs, work)
        try:
            e = ezkl_run(path, record, args.ezkl_runs, work)
        except RuntimeError as err:
            print(f"   ezkl failed: {err}", flush=True)
            rows.append({"model": z["model"], "parameters": z["parameters"], "zkdx": z, "ezkl": None,
                         "agree": False, "agreement": f"ezkl failed: {str(err).splitlines()[0]}"})
            continue
        finally:
            for big in ("pk.key", "kzg.srs"):
                p = os.path.join(work, "ezkl-" + os.path.splitext(os.path.basename(path))[0], big)
                if os.path.exists(p):
                    os.remove(p)
        ok, how = agree(z, e)
        rows.append({"model": z["model"], "parameters": z["parameters"], "zkdx": z, "ezkl": e, "agree": ok,
                     "agreement": how})
        print(f"   zkdx prove {z['prove_s']:.2f} s, ezkl prove {e['prove_s']:.2f} s; {how}", flush=True)
    header = ("| model | params | zkDx prove s | ezkl prove s | prove ratio | zkDx verify ms | ezkl verify ms | "
              "verify ratio | zkDx proof B | ezkl proof B | size ratio | zkDx peak MB | ezkl peak MB | memory ratio | "
              "ezkl setup s (+SRS s) | same result |")
    lines = [header, "|" + "---|" * 16]
    for r in rows:
        z, e = r["zkdx"], r["ezkl"]
        if e is None:
            lines.append(f"| {r['model']} | {r['parameters']:,} | {z['prove_s']:.2f} | – | – | {z['verify_ms']:.1f} | – | "
                         f"– | {z['proof_bytes']:,} | – | – | {z['peak_rss_mb']:.0f} | – | – | – | {r['agreement']} |")
            continue
        lines.append(
            f"| {r['model']} | {r['parameters']:,} | {z['prove_s']:.2f} | {e['prove_s']:.2f} | "
            f"{z['prove_s'] / e['prove_s']:.3f} | {z['verify_ms']:.1f} | {e['verify_ms']:.1f} | "
            f"{z['verify_ms'] / e['verify_ms']:.3f} | {z['proof_bytes']:,} | {e['proof_bytes']:,} | "
            f"{z['proof_bytes'] / e['proof_bytes']:.2f} | {z['peak_rss_mb']:.0f} | {e['peak_mb']:.0f} | "
            f"{z['peak_rss_mb'] / e['peak_mb']:.3f} | {e['setup_s']:.1f} (+{e['srs_s']:.1f}) | "
            f"{'yes' if r['agree'] else 'NO'}: {r['agreement']} |")
    machine = f"{os.cpu_count()} CPUs, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    table = "\n".join(lines)
    note = (f"\nzkDx: medians of {args.runs} runs; ezkl: {args.ezkl_runs} run(s); {machine}; ezkl {getattr(ezkl, '__version__', '?')}; ratios are "
            "zkDx / ezkl (below 1: zkDx better). Prove excludes circuit build (zkDx) and setup (ezkl).\n")
    print("\n" + table + note)
    with open(os.path.join(RESULTS, "compare.md"), "w") as f:
        f.write(table + "\n" + note)
    with open(os.path.join(RESULTS, "compare.json"), "w") as f:
        json.dump({"machine": machine, "runs": args.runs, "rows": rows}, f, indent=2)
    return 0 if all(r["agree"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
