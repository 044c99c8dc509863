#!/usr/bin/env bash
# The test command: set-up (idempotent), formatting, lints, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# verifiers cached by the tests go to a throw-away folder, not the user's cache
export ZKDX_CACHE_DIR
ZKDX_CACHE_DIR=$(mktemp -d)
./scripts/setup.sh
# one full run gains nothing from incremental caches, which would double the build's disk use
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# licences, banned and duplicate crates, sources (deny.toml); RustSec advisories need
# GitHub: `cargo deny check advisories` where it is reachable. It reads every platform's
# crates, which a build on this one never downloads: fetch them first (a no-op once cached;
# where the registry cannot be reached, deny says what is missing)
cargo fetch --locked --quiet || echo "test: cargo fetch failed; cargo deny needs every platform's crates cached"
cargo deny --offline --log-level error check licenses bans sources
cargo test --workspace --locked
# the desktop app, end to end, headless (Xvfb + tauri-driver)
tests/app/run.sh
