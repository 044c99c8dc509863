#!/usr/bin/env bash
# Install what a fresh Debian 12 machine with Rust lacks to build and test zkDx.
# Idempotent: installs only missing packages; safe to run any number of times.
set -euo pipefail

# Engine and CLI: a C toolchain for crates that build C code, pkg-config.
# Desktop app (Tauri 2): WebKitGTK 4.1 and its GTK stack.
# App end-to-end tests: a virtual display, WebKit's WebDriver, ImageMagick for screenshots,
# strace (the no-network check), D-Bus and GNOME Keyring (a Secret Service for the keys),
# Node.js and npm for the WebDriver client.
# Benchmarks against ezkl (bench/) and the CycloneDX test: python3-venv for bench/.venv and
# tests/.venv.
# patch: applies zkDx's zero-knowledge patch to plonky2 (scripts/patch-plonky2.sh).
packages=(build-essential pkg-config ca-certificates patch libwebkit2gtk-4.1-dev
  xvfb xauth webkit2gtk-driver imagemagick strace dbus gnome-keyring python3-venv)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: system packages present"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install Rust (rustup) first" >&2
  exit 1
fi
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  rustup component add rustfmt clippy
fi
# cargo-deny, for the dependency policy in deny.toml (licences, bans, sources)
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny 0.20.2" ]; then
  echo "setup: installing cargo-deny 0.20.2 (a few minutes, once)"
  cargo install cargo-deny --version 0.20.2 --locked
fi
# plonky2 with zkDx's zero-knowledge patch (Cargo.toml's [patch.crates-io] needs the folder
# before any cargo command in this workspace can run)
"$(dirname "$0")/patch-plonky2.sh"
# Independent validators for the tests, in tests/.venv (remade when the pins change): the
# CycloneDX 1.6 schema (cyclonedx-python-lib), JSON Schema (jsonschema), FHIR R4 models
# (fhir.resources), PDF text extraction (pypdf), and scikit-learn with its exporter and
# onnxruntime for models exported the way their users export them.
venv="$(dirname "$0")/../tests/.venv"
requirements="$(dirname "$0")/../tests/requirements.txt"
stamp="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$venv/.requirements-sha256" 2>/dev/null)" != "$stamp" ]; then
  echo "setup: making tests/.venv (the tests' independent validators and scikit-learn exporters)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  echo "$stamp" >"$venv/.requirements-sha256"
fi
echo "setup: done"
