//! The prover's circuit cache files a circuit under everything that shapes it: a card
//! whose score resolution changed (the digest does not cover it; the coarse circuit holds
//! it as a constant) gets its own circuit, never the stored one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use zkdx_bundle::cache;
use zkdx_circuit::ModelCircuit;
use zkdx_model::{Disclosure, Model};

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

#[test]
fn a_changed_score_resolution_never_reuses_the_stored_circuit() {
    let dir = std::env::temp_dir().join(format!("zkdx-circuit-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::env::set_var("ZKDX_CACHE_DIR", &dir); // this test binary's only test
    let onnx = path("models/diabetes-progression.onnx");
    let model = Model::load(&onnx).unwrap();
    let coarse = Disclosure::Coarse.into();
    let first = cache::circuit(&model, coarse).unwrap();
    let stored = || std::fs::read_dir(dir.join("circuits")).map_or(0, |d| d.count());
    assert_eq!(stored(), 1);
    // read back: the same circuit
    assert_eq!(cache::circuit(&model, coarse).unwrap().verifier_fingerprint(), first.verifier_fingerprint());
    assert_eq!(stored(), 1);

    let mut card = model.card().cloned().unwrap();
    let output = card.output.as_mut().unwrap();
    output.resolution = Some(output.resolution.unwrap_or(1.0) * 2.0);
    let coarser = Model::from_bytes(&std::fs::read(&onnx).unwrap(), &onnx, Some(card)).unwrap();
    assert_eq!(coarser.digest(), model.digest(), "the digest does not cover the resolution");
    let second = cache::circuit(&coarser, coarse).unwrap();
    let built = ModelCircuit::build(&coarser, Disclosure::Coarse).unwrap();
    assert_eq!(second.verifier_fingerprint(), built.verifier_fingerprint());
    assert_ne!(second.verifier_fingerprint(), first.verifier_fingerprint());
    assert_eq!(stored(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}
