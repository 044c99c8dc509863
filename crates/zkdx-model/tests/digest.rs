//! The model digest: stable, reproducible from the ONNX file, sensitive to every weight.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::model;
use zkdx_model::digest::digest;
use zkdx_model::{Model, Op};

#[test]
fn shipped_cards_carry_the_models_digests() {
    for id in ["breast-cancer", "diabetes-progression"] {
        let m = Model::load(&model(id)).unwrap();
        assert_eq!(m.card().and_then(|c| c.digest.clone()), Some(m.digest().to_string()), "{id}");
    }
}

#[test]
fn digest_is_stable_across_loads_and_from_bytes() {
    let a = Model::load(&model("breast-cancer")).unwrap();
    let bytes = std::fs::read(model("breast-cancer")).unwrap();
    let b = Model::from_bytes(&bytes, std::path::Path::new("elsewhere/copy.onnx"), None).unwrap();
    assert_eq!(a.digest(), b.digest(), "the digest depends on the ONNX file alone, not on the card or path");
    assert_eq!(a.digest().to_string().parse::<zkdx_model::digest::ModelDigest>(), Ok(a.digest()));
}

#[test]
fn any_weight_change_changes_the_digest() {
    let m = Model::load(&model("breast-cancer")).unwrap();
    let base = digest(m.graph());
    for op_index in 0..m.graph().ops.len() {
        let mut g = m.graph().clone();
        match &mut g.ops[op_index] {
            Op::Dense { weights, .. } => weights[3] += 1,
            Op::AddConst { values } | Op::MulConst { values } => values[0] -= 1,
            _ => continue,
        }
        assert_ne!(digest(&g), base, "op {op_index}");
    }
    let mut g = m.graph().clone();
    g.inputs[0].max += 1.0;
    assert_ne!(digest(&g), base, "input ranges are covered");
    let mut g = m.graph().clone();
    g.outputs.swap(0, 1);
    assert_ne!(digest(&g), base, "labels are covered");
}
