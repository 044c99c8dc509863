#!/usr/bin/env bash
# Build the installable desktop app with the Tauri CLI (from npm, pinned in
# packaging/package.json): a release build of the app with the shipped models as resources,
# bundled as a .deb (and an AppImage: its tools, linuxdeploy and AppRun, are downloaded from
# GitHub by the Tauri CLI, so it needs that network; ZKDX_BUNDLES=deb skips it).
# Output: target/release/bundle/{deb,appimage}/. Not in CI (a release build, ~10 minutes
# on 2 cores); `tests/app/installed.sh` installs the .deb and runs the patient flow on it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/patch-plonky2.sh
(cd packaging && npm ci --no-audit --no-fund --loglevel=error)
cd src-tauri
exec ../packaging/node_modules/.bin/tauri build --bundles "${ZKDX_BUNDLES:-deb,appimage}" "$@"
