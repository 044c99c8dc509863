#!/usr/bin/env bash
# Build patched/plonky2-1.1.0: plonky2 1.1.0 exactly as published on crates.io (its checksum
# checked) with zkDx's own zero-knowledge patch applied (patches/plonky2-1.1.0-zk.patch; see
# docs/zero-knowledge.md). Cargo.toml's [patch.crates-io] points plonky2 there.
# Idempotent: does nothing when the folder already holds this exact patch.
# After editing patched/plonky2-1.1.0 by hand: `scripts/patch-plonky2.sh --save` writes the
# patch file anew from the folder (and then stamps the folder as holding it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=plonky2-1.1.0
crate_sha256=b512f56329cfde01b7b5c49f092145ae4fbdbb9cd8742f57879315ed7a893d65
patch_file="$root/patches/$name-zk.patch"
dest="$root/patched/$name"
stamp="$dest/.zkdx-patch-sha256"

if [ "${1:-}" = "--save" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tar -xzf "$(find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "$name.crate" | head -n1)" -C "$work"
  mv "$work/$name" "$work/a"
  cp -r "$dest" "$work/b"
  rm -f "$work/b/.zkdx-patch-sha256"
  (cd "$work" && diff -ruN a b | sed -E 's/^(---|\+\+\+) ([^\t]*)\t.*/\1 \2/' >"$patch_file") || true
  sha256sum "$patch_file" | cut -d' ' -f1 >"$stamp"
  echo "patch-plonky2: wrote $patch_file"
  exit 0
fi

want=$(sha256sum "$patch_file" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

cache="${CARGO_HOME:-$HOME/.cargo}/registry/cache"
find_crate() { find "$cache" -name "$name.crate" 2>/dev/null | head -n1 || true; }
crate=$(find_crate)
if [ -z "$crate" ]; then
  # let cargo download and verify it, from a throw-away project outside this workspace
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/src"
  printf '[package]\nname = "fetch-plonky2"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nplonky2 = "=1.1.0"\n' >"$tmp/Cargo.toml"
  touch "$tmp/src/lib.rs"
  (cd "$tmp" && cargo fetch -q)
  crate=$(find_crate)
fi
[ -n "$crate" ] || { echo "patch-plonky2: cannot find $name.crate after cargo fetch" >&2; exit 1; }
got=$(sha256sum "$crate" | cut -d' ' -f1)
[ "$got" = "$crate_sha256" ] || { echo "patch-plonky2: $crate has sha256 $got, expected $crate_sha256" >&2; exit 1; }

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xzf "$crate" -C "$dest.tmp"
(cd "$dest.tmp/$name" && patch -p1 -s --no-backup-if-mismatch <"$patch_file")
echo "$want" >"$dest.tmp/$name/.zkdx-patch-sha256"
rm -rf "$dest"
mv "$dest.tmp/$name" "$dest"
rmdir "$dest.tmp"
echo "patch-plonky2: $dest ready"
