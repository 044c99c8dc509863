//! What several of the circuit crate's integration tests share: paths into the repository
//! and a widened breast-cancer model.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use zkdx_model::{Model, Op};

/// A path relative to the repository root.
pub fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

/// breast-cancer with its hidden layers widened to 30 → 1200 → 8 (45,600 multiply-adds: more
/// than a compact circuit holds, so the large-model config), deterministic small weights.
pub fn wide_model() -> Model {
    let base = Model::load(&path("models/breast-cancer.onnx")).unwrap();
    let mut g = base.graph().clone();
    let dense = |inputs: usize, outputs: usize, seed: i64| Op::Dense {
        inputs,
        outputs,
        weights: (0..inputs * outputs).map(|i| ((i as i64 * 7919 + seed) % 4001) - 2000).collect(),
        bias: (0..outputs).map(|i| (i as i64 * 31) % 97).collect(),
    };
    g.ops[2] = dense(30, 1200, 3);
    g.ops[4] = dense(1200, 8, 5);
    base.with_graph(g).unwrap()
}
