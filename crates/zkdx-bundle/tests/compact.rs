//! Compact bundles: the proof wrapped in the recursive chain verifies as VALID with the same
//! result and commitment, is smaller, and a tampered compact proof is INVALID.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use base64::Engine;
use zkdx_bundle::cache;
use zkdx_bundle::check_bundle;
use zkdx_bundle::format::COMPACT_PROOF_SYSTEM;
use zkdx_bundle::trust::{trusted_pin, TrustList};
use zkdx_bundle::verdict::check_bundle_with_verifier;
use zkdx_bundle::workflow::{check_bundle_bytes, prove_diagnosis_with, ProveOptions, Stage};
use zkdx_circuit::{ModelCircuit, ModelVerifier, ProofKind};
use zkdx_model::{Disclosure, Model};

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

#[test]
fn compact_bundle_verifies_and_tampering_is_caught() {
    let model = Model::load(&path("models/diabetes-progression.onnx")).unwrap();
    let x = model.read_record(&path("models/examples/diabetes-progression.json")).unwrap();
    let stages = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let options = ProveOptions { disclosure: Disclosure::Exact, compact: true, challenge: None, ..Default::default() };
    let heard = stages.clone();
    let proven =
        prove_diagnosis_with(&model, &x, &options, move |s| heard.borrow_mut().push(s), || false).unwrap().unwrap();
    use Stage::*;
    let order = [BuildCircuit, Witness, Wires, Permutation, Quotient, Openings, Fri, Compact, SelfCheck, Done];
    assert_eq!(*stages.borrow(), order, "each stage once, in order; the wrappers' own proofs report none");
    let bundle = proven.bundle;
    assert_eq!(bundle.proof.system, COMPACT_PROOF_SYSTEM);
    let bytes = bundle.proof_bytes().unwrap();
    assert!(bytes.len() <= 64 * 1024, "compact proof of {} bytes", bytes.len());

    // the clinician's check: the wrappers are built once, and their verifier kept in the
    // cache because the shipped endorsement pins it; the second check loads it
    let cache = std::env::temp_dir().join(format!("zkdx-compact-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    std::env::set_var("ZKDX_CACHE_DIR", &cache); // this test binary's only test
    let models = path("models");
    let trust = TrustList::load(&TrustList::default_path(&models)).unwrap();
    let pin = trusted_pin(&model, Disclosure::Exact.into(), &trust).unwrap();
    let pinned = pin.compact_verifier_sha256.expect("the shipped endorsement pins the compact verifier");
    assert!(cache::load(&model, Disclosure::Exact.into(), ProofKind::Compact, &pinned).is_none());
    let first = check_bundle_bytes(&bundle.to_bytes(), None, &models, &trust, None);
    assert!(first.verdict.is_valid(), "{:?}", first.verdict);
    let wrapper = cache::load(&model, Disclosure::Exact.into(), ProofKind::Compact, &pinned)
        .expect("cached after the first check");
    let second = check_bundle_bytes(&bundle.to_bytes(), None, &models, &trust, None);
    assert_eq!(second.verdict, first.verdict);
    // a plain verifier never checks a compact proof, nor the other way round
    let circuit = ModelCircuit::build(&model, Disclosure::Exact).unwrap();
    assert!(!check_bundle_with_verifier(&bundle, &model, &ModelVerifier::of(&circuit)).is_valid());

    let mut tampered = bundle.clone();
    let mut b = bytes.clone();
    let mid = b.len() / 2;
    b[mid] ^= 1;
    tampered.proof.data = base64::engine::general_purpose::STANDARD.encode(&b);
    assert!(!check_bundle_with_verifier(&tampered, &model, &wrapper).is_valid());

    // a compact proof is not accepted as a plain one, nor the other way round
    let mut relabelled = bundle.clone();
    relabelled.proof.system = zkdx_bundle::format::PROOF_SYSTEM.into();
    assert!(!check_bundle(&relabelled, &model, &circuit).is_valid());

    let mut other = bundle;
    other.result.outputs[0] += 1;
    assert!(!check_bundle_with_verifier(&other, &model, &wrapper).is_valid());
}
