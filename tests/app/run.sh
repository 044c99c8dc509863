#!/usr/bin/env bash
# Run the app's end-to-end tests headless: Xvfb, tauri-driver, the WebDriver client.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build --locked -p zkdx-app -p zkdx-cli  # the CLI makes the forged-folder bundle
command -v tauri-driver >/dev/null 2>&1 || cargo install tauri-driver --locked --version 2.1.0
(cd tests/app && npm ci --no-audit --no-fund --loglevel=error)
display=:97
Xvfb $display -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=$display
export ZKDX_APP="${ZKDX_APP:-$root/target/debug/zkdx-app}"  # tests/app/installed.sh: the installed one
export ZKDX_TRACE
ZKDX_TRACE=$(mktemp)
# a private D-Bus session with an unlocked GNOME keyring (the Secret Service back-end the
# app uses on a desktop), and a fresh data folder for the encrypted history
export XDG_DATA_HOME ZKDX_DATA_DIR ZKDX_CACHE_DIR
XDG_DATA_HOME=$(mktemp -d)
ZKDX_DATA_DIR=$(mktemp -d)
ZKDX_CACHE_DIR=$(mktemp -d)
dbus-run-session -- sh -c 'eval "$(printf zkdx-test | gnome-keyring-daemon --unlock --components=secrets)"; node tests/app/e2e.mjs'
echo "history file bytes checked in $ZKDX_DATA_DIR"
