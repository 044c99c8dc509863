#!/usr/bin/env bash
# Run the zkDx desktop app (builds it first).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
exec cargo run --release --locked -p zkdx-app
