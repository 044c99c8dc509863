//! Dense layers pack at least 64 multiply-adds into a circuit row (the performance goal),
//! small circuits are compact (proofs of at most 64 KB),
//! and a model that large proves and verifies with every constraint on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zkdx_circuit::{config, prove, verify, ModelCircuit, Salt};
use zkdx_model::infer::run;
use zkdx_model::{Disclosure, Model};

mod common;
use common::{path, wide_model};

#[test]
fn dense_rows_hold_at_least_64_multiply_adds_and_prove() {
    let m = wide_model();
    let circuit = ModelCircuit::build(&m, Disclosure::Exact).unwrap();
    let stats = circuit.stats();
    let per_row = m.graph().macs() as f64 / stats.mat_vec_rows as f64;
    assert!(per_row >= 64.0, "{per_row:.1} multiply-adds per dense row");
    let x = m.read_record(&path("models/examples/breast-cancer-benign.json")).unwrap();
    let input = m.quantise_input(&x);
    let proof = prove(&circuit, &m, &input, &Salt::random()).unwrap();
    assert_eq!(verify(&circuit, &proof.bytes).unwrap().outputs, run(m.graph(), &input).outputs());
}

/// breast-cancer's circuits in every disclosure it offers, diabetes-progression's default
/// and the tree ensemble's label circuit are compact (rate 1/32 where they fit 2^8 rows at
/// it, rate 1/64 otherwise), with proofs of at most 64 KB (the bundle-size goal) that
/// verify; the tree ensemble's coarse circuit (its sigmoid's percent table needs more than
/// 2^10 rows of 32 columns) keeps the config its size gives.
#[test]
fn small_circuits_are_compact_and_prove_in_at_most_64_kb() {
    let bc = Model::load(&path("models/breast-cancer.onnx")).unwrap();
    let gbt = Model::load(&path("models/breast-cancer-gbt.onnx")).unwrap();
    let diabetes = Model::load(&path("models/diabetes-progression.onnx")).unwrap();
    let mut cases: Vec<(&Model, Disclosure, &str)> = zkdx_model::disclosure::available(bc.graph().head)
        .into_iter()
        .map(|d| (&bc, d, "breast-cancer-malignant"))
        .collect();
    cases.push((&gbt, Disclosure::Label, "breast-cancer-malignant"));
    cases.push((&diabetes, diabetes.default_disclosure(), "diabetes-progression"));
    for (m, disclosure, record) in cases {
        let input = m.quantise_input(&m.read_record(&path(&format!("models/examples/{record}.json"))).unwrap());
        let circuit = ModelCircuit::build(m, disclosure).unwrap();
        let compact = config::compact_configs().into_iter().find(|(c, _)| *c == circuit.data.common.config);
        let (_, max_bits) = compact.unwrap_or_else(|| panic!("{disclosure}: not a compact config"));
        assert!(circuit.stats().degree_bits <= max_bits);
        let proof = prove(&circuit, m, &input, &Salt::random()).unwrap();
        assert!(proof.bytes.len() <= 64_000, "{disclosure}: {} bytes", proof.bytes.len());
        assert_eq!(verify(&circuit, &proof.bytes).unwrap().outputs, proof.public.outputs);
    }
    // the rate-1/32 config where it fits, the rate-1/64 one where only that fits
    let fast = |m: &Model, d| ModelCircuit::build(m, d).unwrap().data.common.config == config::compact_fast();
    assert!(fast(&bc, Disclosure::Exact) && fast(&diabetes, diabetes.default_disclosure()));
    assert!(!fast(&bc, Disclosure::Coarse) && !fast(&gbt, Disclosure::Label));
    let circuit = ModelCircuit::build(&gbt, Disclosure::Coarse).unwrap();
    assert!(circuit.stats().degree_bits >= config::COMPACT_MAX_DEGREE_BITS);
    assert_eq!(circuit.data.common.config, config::for_model(gbt.graph().macs()));
}
