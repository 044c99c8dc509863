#!/usr/bin/env bash
# The CLI demo: a patient proves a diagnosis, a clinician verifies it, a regulator
# reproduces the model's digest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
cargo build --release --locked -p zkdx-cli
zkdx=target/release/zkdx
out=$(mktemp -d)
echo "== patient: diagnose and prove (the record stays here)"
$zkdx infer models/breast-cancer.onnx models/examples/breast-cancer-malignant.json
$zkdx prove models/breast-cancer.onnx models/examples/breast-cancer-malignant.json -o "$out/result.zkdx.json" --salt-out "$out/salt"
echo "== clinician: verify the bundle"
$zkdx verify "$out/result.zkdx.json"
echo "== regulator: the model's digest, from the ONNX file alone"
$zkdx digest models/breast-cancer.onnx
echo "(bundle and salt in $out)"
