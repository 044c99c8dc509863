#!/usr/bin/env bash
# Mutation run over the circuit's custom gates and gadgets: cargo-mutants changes each
# constraint-building expression in turn and runs the circuit crate's unit tests (the gate
# and gadget soundness tests); a mutant no test catches is listed in missed.txt.
# Not in CI: about 30 s a mutant on 2 cores, ~400 mutants. Results: target/mutants/mutants.out/.
# Extra arguments go to cargo-mutants (e.g. `-f crates/zkdx-circuit/src/gates/rescale.rs`
# instead of both folders, or `--shard 1/4`).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null 2>&1 || cargo install --locked cargo-mutants
if [ $# -eq 0 ]; then
  set -- -f 'crates/zkdx-circuit/src/gates/*.rs' -f 'crates/zkdx-circuit/src/gadgets/*.rs'
fi
./scripts/patch-plonky2.sh
# --gitignore false: the copy needs patched/ (the patched plonky2), which git ignores
exec cargo mutants -p zkdx-circuit --gitignore false --exclude 'crates/zkdx-circuit/src/gadgets/testing.rs' \
  --timeout 180 -o target/mutants "$@" -- --lib
