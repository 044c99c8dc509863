#!/usr/bin/env bash
# How long a patient's `zkdx prove` and a clinician's `zkdx verify` take as whole processes
# (start to exit, wall clock), cold and warm: the first prove builds the circuit and keeps
# it in the cache folder, later ones read it; the first verify builds the circuit and caches
# the verifier, later ones load it. A fresh cache folder; release build; medians of 5.
#
#     ./bench/process_timing.sh                 # breast-cancer and bench/models/mlp-1m.onnx
#     ./bench/process_timing.sh MODEL.onnx ...  # other models
#
# Shipped models verify under models/trust.json. Any other model is endorsed by a throw-away
# publisher key made here, listed in a throw-away trust list (the cache serves only verifiers
# that a trusted endorsement pins). Needs bench/models/ (python3 bench/make_models.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --locked -q -p zkdx-cli
zkdx="$root/target/release/zkdx"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ZKDX_CACHE_DIR="$work/cache"

models=("$@")
[ ${#models[@]} -gt 0 ] || models=(models/breast-cancer.onnx bench/models/mlp-1m.onnx)

elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f\n", (b - a) * 1000}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '| model | parameters | first prove (builds) | later proves | first verify (builds) | later verifies | verdict |\n|---|---|---|---|---|---|---|\n'
for model in "${models[@]}"; do
  name=$(basename "$model" .onnx)
  trust=models/trust.json
  # a shipped model's example record, or one of the model it shares its task with
  # (breast-cancer-gbt reads breast-cancer's records)
  stem=$name
  record=models/examples/$stem-benign.json
  while [ ! -f "$record" ] && [ ! -f "models/examples/$stem.json" ] && [ "${stem%-*}" != "$stem" ]; do
    stem=${stem%-*}
    record=models/examples/$stem-benign.json
  done
  [ -f "$record" ] || record=models/examples/$stem.json
  if [ "$(dirname "$model")" != models ]; then
    # a copy with a card, a record (every input at the middle of its range), a throw-away
    # publisher key, its endorsement and a trust list that lists only that key
    mkdir -p "$work/$name"
    cp "$model" "$work/$name/"
    model="$work/$name/$name.onnx"
    record="$work/$name.record.json"
    bench/.venv/bin/python - "$model" "$record" <<'PY'
import json, sys, onnx
model, record = sys.argv[1], sys.argv[2]
props = {p.key: p.value for p in onnx.load(model, load_external_data=False).metadata_props}
inputs, labels = json.loads(props["zkdx.inputs"]), json.loads(props["zkdx.outputs"])
name = model.rsplit("/", 1)[-1][:-5]
json.dump({i["name"]: (i["min"] + i["max"]) / 2 for i in inputs}, open(record, "w"))
json.dump({"id": name, "name": f"benchmark {name}", "version": "0.0.0", "kind": "classification",
           "intended_use": "benchmark only", "limitations": "random weights: not a medical model",
           "features": [{"name": i["name"], "unit": "", "description": "", "min": i["min"], "max": i["max"]}
                        for i in inputs],
           "labels": labels}, open(model[:-5] + ".json", "w"))
PY
    key=$("$zkdx" card keygen --secret-out "$work/$name.key" | awk '/^public key/ {print $3}')
    "$zkdx" card sign "$model" --secret-file "$work/$name.key" >/dev/null
    printf '{"format":"zkdx-trust-list","format_version":1,"publishers":[{"name":"benchmark publisher","key":"%s","added":"2026-11-26"}]}\n' "$key" >"$work/$name.trust.json"
    trust="$work/$name.trust.json"
  fi
  prove=("$zkdx" prove "$model" "$record" -q -o "$work/$name.zkdx.json")
  t0=$EPOCHREALTIME; "${prove[@]}" >/dev/null; t1=$EPOCHREALTIME
  first_prove=$(elapsed_ms "$t0" "$t1")
  for _ in 1 2 3 4 5; do
    t0=$EPOCHREALTIME; "${prove[@]}" >/dev/null; t1=$EPOCHREALTIME
    elapsed_ms "$t0" "$t1"
  done | median >"$work/proves"
  params=$("$zkdx" inspect "$model" | awk '/^parameters/ {print $2}')
  verify=("$zkdx" verify "$work/$name.zkdx.json" --model "$model" --trust "$trust")
  t0=$EPOCHREALTIME; "${verify[@]}" >/dev/null || true; t1=$EPOCHREALTIME
  first=$(elapsed_ms "$t0" "$t1")
  for _ in 1 2 3 4 5; do
    t0=$EPOCHREALTIME; "${verify[@]}" >/dev/null || true; t1=$EPOCHREALTIME
    elapsed_ms "$t0" "$t1"
  done | median >"$work/second"
  set +e; out=$("${verify[@]}"); rc=$?; set -e
  verdict=$(printf '%s\n' "$out" | awk 'NR == 1 {print $1}')
  printf '| %s | %s | %s ms | %s ms | %s ms | %s ms | %s (exit %s) |\n' "$name" "$params" "$first_prove" \
    "$(cat "$work/proves")" "$first" "$(cat "$work/second")" "$verdict" "$rc"
done
