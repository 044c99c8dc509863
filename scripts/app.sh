#!/usr/bin/env bash
# Run the zkDx desktop app (builds it first).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "app: the desktop app needs a graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set)." >&2
  echo "     Run it from a desktop, or try the command-line demo: ./scripts/demo.sh" >&2
  exit 2
fi
./scripts/setup.sh >/dev/null
exec cargo run --release --locked -p zkdx-app
