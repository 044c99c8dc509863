//! Bundles: a real one is VALID; every tampered variant is INVALID or unreadable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use base64::Engine;
use zkdx_bundle::format::BundleError;
use zkdx_bundle::make::{make_bundle, now_rfc3339};
use zkdx_bundle::signature::{check_signature, fingerprint, sign, SignatureStatus};
use zkdx_bundle::{check_bundle, ProofBundle};
use zkdx_circuit::{prove, ModelCircuit, Salt};
use zkdx_model::{Disclosure, Model, Op};

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

struct Setup {
    model: Model,
    circuit: ModelCircuit,
    bundle: ProofBundle,
}

fn setup() -> Setup {
    let model = Model::load(&path("models/breast-cancer.onnx")).unwrap();
    let x = model.read_record(&path("models/examples/breast-cancer-benign.csv")).unwrap();
    let circuit = ModelCircuit::build(&model, Disclosure::Exact).unwrap();
    let proof = prove(&circuit, &model, &model.quantise_input(&x), &Salt::random()).unwrap();
    let bundle = make_bundle(&model, &proof, now_rfc3339());
    Setup { model, circuit, bundle }
}

fn reason(s: &Setup, b: &ProofBundle) -> String {
    let v = check_bundle(b, &s.model, &s.circuit);
    assert!(!v.is_valid(), "a tampered bundle was VALID");
    v.reason().unwrap_or_default().to_string()
}

#[test]
fn tampered_bundles_are_invalid() {
    let s = setup();
    let bytes = s.bundle.to_bytes();
    let read = ProofBundle::from_bytes(&bytes).unwrap();
    assert_eq!(read, s.bundle);
    assert!(check_bundle(&read, &s.model, &s.circuit).is_valid());
    assert_eq!(read.result.label.as_deref(), Some("benign"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(!text.contains("mean radius"), "no feature name, let alone a value, is in the bundle");

    // one proof byte flipped
    let mut b = s.bundle.clone();
    let mut proof = b.proof_bytes().unwrap();
    let mid = proof.len() / 2;
    proof[mid] ^= 0x01;
    b.proof.data = base64::engine::general_purpose::STANDARD.encode(&proof);
    println!("flipped byte: {}", reason(&s, &b));

    // the label changed (consistently with names, so the structure check passes)
    let mut b = s.bundle.clone();
    b.result.label_index = Some(0);
    b.result.label = Some("malignant".into());
    b.result.probabilities.reverse();
    assert!(reason(&s, &b).contains("result"));

    // the outputs changed
    let mut b = s.bundle.clone();
    b.result.outputs[1] += 1;
    assert!(reason(&s, &b).contains("result"));

    // probabilities edited
    let mut b = s.bundle.clone();
    b.result.probabilities = vec![0.5, 0.5];
    assert!(reason(&s, &b).contains("probabilities"));

    // the input commitment changed
    let mut b = s.bundle.clone();
    let mut c = b.commitment().unwrap();
    c.0[0] ^= 1;
    b.input_commitment = c.to_string();
    assert!(reason(&s, &b).contains("commitment"));

    // the digest field edited to another model's
    let mut b = s.bundle.clone();
    b.model.digest = format!("sha256:{}", "ab".repeat(32));
    assert!(reason(&s, &b).contains("not for"));
}

#[test]
fn a_bundle_checked_against_another_model_is_invalid() {
    let s = setup();
    let mut g = s.model.graph().clone();
    if let Op::Dense { bias, .. } = &mut g.ops[4] {
        bias[0] += 1;
    }
    let other = s.model.with_graph(g).unwrap();
    let other_circuit = ModelCircuit::build(&other, Disclosure::Exact).unwrap();
    // even with the digest field rewritten to the other model's, the proof does not verify
    let mut b = s.bundle.clone();
    b.model.digest = other.digest().to_string();
    let v = check_bundle(&b, &other, &other_circuit);
    assert!(!v.is_valid());
    println!("other model: {:?}", v.reason());
}

#[test]
fn unreadable_bundles_give_clear_errors() {
    let s = setup();
    let bytes = s.bundle.to_bytes();
    assert!(matches!(ProofBundle::from_bytes(&bytes[..bytes.len() / 2]), Err(BundleError::Malformed(_))));
    assert!(matches!(ProofBundle::from_bytes(b"not json"), Err(BundleError::Malformed(_))));
    let text = String::from_utf8(bytes).unwrap();
    let v7 = text.replacen("\"format_version\": 6", "\"format_version\": 7", 1);
    assert_eq!(ProofBundle::from_bytes(v7.as_bytes()), Err(BundleError::UnsupportedVersion(7)));
    assert!(BundleError::UnsupportedVersion(7).to_string().contains("update zkDx"));
    // an earlier version's proof was made with earlier circuits: not checkable, not a forgery
    for earlier in [4, 5] {
        let old = text.replacen("\"format_version\": 6", &format!("\"format_version\": {earlier}"), 1);
        let e = ProofBundle::from_bytes(old.as_bytes()).unwrap_err();
        assert!(e.is_unreadable() && e.to_string().contains("ask for a new bundle"), "{e}");
    }
    let other = text.replacen("zkdx-proof-bundle", "something-else", 1);
    assert!(matches!(ProofBundle::from_bytes(other.as_bytes()), Err(BundleError::WrongFormat(_))));
    let typed = text.replacen("\"scale_bits\": 16", "\"scale_bits\": \"16\"", 1);
    // a bundle of the right format and version with the wrong shape was damaged or edited
    // (INVALID), unlike a file that is no bundle at all (CANNOT CHECK)
    assert!(matches!(ProofBundle::from_bytes(typed.as_bytes()), Err(BundleError::Damaged(_))));
    let extra = text.replacen("\"format\":", "\"input\": [1, 2, 3],\n  \"format\":", 1);
    assert!(matches!(ProofBundle::from_bytes(extra.as_bytes()), Err(BundleError::Damaged(_))));
    for e in [ProofBundle::from_bytes(b"not json"), ProofBundle::from_bytes(v7.as_bytes())] {
        assert!(e.is_err_and(|e| e.is_unreadable()));
    }
    assert!(ProofBundle::from_bytes(typed.as_bytes()).is_err_and(|e| !e.is_unreadable()));
    let date = text.replacen(&s.bundle.created_at, "yesterday", 1);
    assert!(matches!(ProofBundle::from_bytes(date.as_bytes()), Err(BundleError::Field { field: "created_at", .. })));
    let b64 = text.replacen(&s.bundle.proof.data[..8], "!!!!!!!!", 1);
    assert!(matches!(ProofBundle::from_bytes(b64.as_bytes()), Err(BundleError::Field { field: "proof.data", .. })));
}

#[test]
fn signed_bundles_report_their_device_and_refuse_edits() {
    let s = setup();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let mut b = s.bundle.clone();
    sign(&mut b, &key);
    let read = ProofBundle::from_bytes(&b.to_bytes()).unwrap();
    let v = check_bundle(&read, &s.model, &s.circuit);
    assert!(v.is_valid(), "{v:?}");
    assert_eq!(v.signer(), Some(fingerprint(key.verifying_key().as_bytes()).as_str()));
    assert_eq!(check_signature(&s.bundle), SignatureStatus::Unsigned);
    // any edit after signing, even to an unproven field, breaks the signature
    let mut edited = b.clone();
    edited.created_at = "2020-01-01T00:00:00Z".into();
    assert!(reason(&s, &edited).contains("signature"));
    // a signature from another key over other bytes
    let mut forged = b.clone();
    if let Some(sig) = forged.signature.as_mut() {
        sig.public_key = hex::encode(ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]).verifying_key().as_bytes());
    }
    assert!(reason(&s, &forged).contains("signature"));
    let mut garbled = b;
    if let Some(sig) = garbled.signature.as_mut() {
        sig.signature = "zz".into();
    }
    assert!(reason(&s, &garbled).contains("signature"));
}

#[test]
fn random_proof_bytes_are_invalid_not_a_crash() {
    let s = setup();
    let mut b = s.bundle.clone();
    let junk: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
    b.proof.data = base64::engine::general_purpose::STANDARD.encode(junk);
    println!("junk proof: {}", reason(&s, &b));
    b.proof.data = String::new();
    println!("empty proof: {}", reason(&s, &b));
}
