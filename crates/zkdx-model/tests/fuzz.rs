//! Fuzzing with proptest generators (the stable toolchain's option): the record parser and
//! the ONNX lowering meet arbitrary and mutated inputs and must answer with a value or an
//! error, never a panic. `PROPTEST_CASES=N` sets the number of cases (256 by default).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use proptest::prelude::*;
use zkdx_model::record::{parse_record, Format, Schema};
use zkdx_model::Model;

/// A mutation of a valid input: flip, insert, delete or truncate at a position.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let n = bytes.len().max(1);
        match *m {
            Mutation::Flip(i, b) if !bytes.is_empty() => bytes[i % n] ^= b.max(1),
            Mutation::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
            Mutation::Delete(i) if !bytes.is_empty() => {
                bytes.remove(i % n);
            }
            Mutation::Truncate(i) => bytes.truncate(i % n),
            _ => {}
        }
    }
    bytes
}

fn model() -> Model {
    Model::load(&common::model("diabetes-progression")).unwrap()
}

fn check_record(model: &Model, bytes: &[u8], format: Option<Format>) {
    let schema: Schema<'_> = model.schema();
    if let Ok(values) = parse_record(bytes, format, &schema) {
        assert_eq!(values.len(), model.graph().inputs.len());
        for (v, spec) in values.iter().zip(&model.graph().inputs) {
            assert!(v.is_finite() && *v >= spec.min && *v <= spec.max, "an accepted value is out of range");
        }
    }
}

proptest! {
    #[test]
    fn record_parser_survives_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let m = model();
        for format in [None, Some(Format::Csv), Some(Format::Json)] {
            check_record(&m, &bytes, format);
        }
    }

    #[test]
    fn record_parser_survives_mutated_records(mutations in proptest::collection::vec(mutation(), 1..6)) {
        let m = model();
        for example in ["diabetes-progression.csv", "diabetes-progression.json"] {
            let bytes = std::fs::read(common::root().join("models/examples").join(example)).unwrap();
            check_record(&m, &apply(bytes, &mutations), None);
        }
    }

    #[test]
    fn onnx_lowering_survives_mutated_models(mutations in proptest::collection::vec(mutation(), 1..4)) {
        let bytes = std::fs::read(common::model("diabetes-progression")).unwrap();
        let mutated = apply(bytes, &mutations);
        let _ = Model::from_bytes(&mutated, std::path::Path::new("fuzz.onnx"), None);
    }
}
