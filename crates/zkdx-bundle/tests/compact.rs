//! Compact bundles: the proof wrapped in the recursive chain verifies as VALID with the same
//! result and commitment, is smaller, and a tampered compact proof is INVALID.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use base64::Engine;
use zkdx_bundle::check_bundle;
use zkdx_bundle::format::COMPACT_PROOF_SYSTEM;
use zkdx_bundle::verdict::check_compact_bundle;
use zkdx_bundle::workflow::{prove_diagnosis_with, ProveOptions, Stage};
use zkdx_circuit::compact::CompactCircuit;
use zkdx_circuit::ModelCircuit;
use zkdx_model::{Disclosure, Model};

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

#[test]
fn compact_bundle_verifies_and_tampering_is_caught() {
    let model = Model::load(&path("models/diabetes-progression.onnx")).unwrap();
    let x = model.read_record(&path("models/examples/diabetes-progression.json")).unwrap();
    let mut stages = Vec::new();
    let options = ProveOptions { disclosure: Disclosure::Exact, compact: true, challenge: None };
    let proven = prove_diagnosis_with(&model, &x, &options, |s| stages.push(s), || false).unwrap().unwrap();
    assert!(stages.contains(&Stage::Compact));
    let bundle = proven.bundle;
    assert_eq!(bundle.proof.system, COMPACT_PROOF_SYSTEM);
    let bytes = bundle.proof_bytes().unwrap();
    assert!(bytes.len() <= 64 * 1024, "compact proof of {} bytes", bytes.len());

    // the wrappers built once (most of the cost) and reused for every check below;
    // `check_bundle` itself builds them from the model's circuit
    let circuit = ModelCircuit::build(&model, Disclosure::Exact).unwrap();
    let wrapper = CompactCircuit::build(&circuit);
    let verdict = check_compact_bundle(&bundle, &model, &wrapper);
    assert!(verdict.is_valid(), "{verdict:?}");

    let mut tampered = bundle.clone();
    let mut b = bytes.clone();
    let mid = b.len() / 2;
    b[mid] ^= 1;
    tampered.proof.data = base64::engine::general_purpose::STANDARD.encode(&b);
    assert!(!check_compact_bundle(&tampered, &model, &wrapper).is_valid());

    // a compact proof is not accepted as a plain one, nor the other way round
    let mut relabelled = bundle.clone();
    relabelled.proof.system = zkdx_bundle::format::PROOF_SYSTEM.into();
    assert!(!check_bundle(&relabelled, &model, &circuit).is_valid());

    let mut other = bundle;
    other.result.outputs[0] += 1;
    assert!(!check_compact_bundle(&other, &model, &wrapper).is_valid());
}
