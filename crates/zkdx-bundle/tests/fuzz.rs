//! Fuzzing the bundle reader and verifier with proptest generators: mutated bundles never
//! panic, and a mutated bundle is VALID only if it still says exactly what the original said
//! (say, a change in whitespace). `PROPTEST_CASES=N` sets the number of cases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use zkdx_bundle::make::{make_bundle, now_rfc3339};
use zkdx_bundle::{check_bundle, ProofBundle};
use zkdx_circuit::{prove, ModelCircuit, Salt};
use zkdx_model::{Disclosure, Model};

struct Fixture {
    model: Model,
    circuit: ModelCircuit,
    bundle: ProofBundle,
    bytes: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let model = Model::load(&root.join("models/diabetes-progression.onnx")).unwrap();
        let x = model.read_record(&root.join("models/examples/diabetes-progression.json")).unwrap();
        let circuit = ModelCircuit::build(&model, Disclosure::Exact).unwrap();
        let proof = prove(&circuit, &model, &model.quantise_input(&x), &Salt::random()).unwrap();
        let bundle = make_bundle(&model, &proof, now_rfc3339());
        let bytes = bundle.to_bytes();
        Fixture { model, circuit, bundle, bytes }
    })
}

proptest! {
    #[test]
    fn mutated_bundles_never_panic_and_never_change_meaning(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..5)
    ) {
        let f = fixture();
        let mut bytes = f.bytes.clone();
        for (i, b, kind) in edits {
            let n = bytes.len().max(1);
            match kind {
                0 => bytes[i % n] = b,
                1 => bytes.insert(i % (bytes.len() + 1), b),
                _ => { bytes.remove(i % n); }
            }
        }
        if let Ok(read) = ProofBundle::from_bytes(&bytes) {
            let verdict = check_bundle(&read, &f.model, &f.circuit);
            if verdict.is_valid() {
                prop_assert_eq!(&read, &f.bundle, "a changed bundle was VALID");
            }
        }
    }

    #[test]
    fn arbitrary_bytes_are_never_a_bundle(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        prop_assert!(ProofBundle::from_bytes(&bytes).is_err());
    }
}
