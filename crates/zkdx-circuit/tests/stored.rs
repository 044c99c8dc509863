//! A circuit stored as bytes and read back proves what the built one proves, and its
//! proofs verify with the built circuit's verifier; bytes of another build, damaged or
//! truncated bytes are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use zkdx_circuit::{prove, verify, ModelCircuit, Salt};
use zkdx_model::{Disclosure, Model};

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

#[test]
fn a_stored_circuit_proves_as_the_built_one_and_nothing_else_is_read() {
    let bc = Model::load(&path("models/breast-cancer.onnx")).unwrap();
    let bc_input = bc.quantise_input(&bc.read_record(&path("models/examples/breast-cancer-malignant.json")).unwrap());
    let sig = Model::load(&path("tests/fixtures/sigmoid-head.onnx")).unwrap();
    let sig_input = sig.quantise_input(&[1.0, -2.0, 0.5, 2.5]);
    for (m, input, disclosure) in [(&bc, &bc_input, Disclosure::Coarse), (&sig, &sig_input, Disclosure::Exact)] {
        let built = ModelCircuit::build(m, disclosure).unwrap();
        let bytes = built.to_bytes().unwrap();
        let read = ModelCircuit::from_bytes(&bytes).unwrap();
        assert_eq!(read.verifier_fingerprint(), built.verifier_fingerprint());
        assert_eq!((read.layout, read.rows, read.scale_bits), (built.layout, built.rows, built.scale_bits));
        assert_eq!(read.hints, built.hints);
        assert_eq!(read.activations, built.activations);
        let proof = prove(&read, m, input, &Salt::random()).unwrap();
        let public = verify(&built, &proof.bytes).unwrap();
        assert_eq!(public, proof.public);
        // another build's bytes, a damaged header and a truncated file are refused
        let mut other = bytes.clone();
        let at = b"zkdx-circuit-v1\0".len() + 2;
        other[at] ^= 1;
        assert!(ModelCircuit::from_bytes(&other).is_err());
        assert!(ModelCircuit::from_bytes(&bytes[..bytes.len() / 2]).is_err());
        assert!(ModelCircuit::from_bytes(b"zkdx-verifier-v1\0").is_err());
    }
}
