//! Segmented proofs (`zkdx_circuit::segment`) on breast-cancer widened to 45,600 multiply-adds
//! and cut into three small segments (twice inside its first dense op): an
//! honest proof verifies with the model circuit's public inputs; a tampered value at a cut
//! and a segment proof from another position or another model (in either place of a fold)
//! are refused by the fold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use plonky2::field::types::Field;
use zkdx_circuit::field::F;
use zkdx_circuit::segment::{Piece, Run, SegmentPlan, Segmented};
use zkdx_circuit::witness::Hint;
use zkdx_circuit::{prove_answering, verify, Challenge, ModelCircuit, Salt};
use zkdx_model::infer;
use zkdx_model::{Disclosure, Model, Op};

mod common;
use common::{path, wide_model};

/// breast-cancer widened (`common::wide_model`), so that its first dense op needs more than
/// one small segment; and an input.
fn widened_breast_cancer() -> (Model, Vec<i64>) {
    let m = wide_model();
    let x = m.read_record(&path("models/examples/breast-cancer-malignant.json")).unwrap();
    let input = m.quantise_input(&x);
    (m, input)
}

/// Rows per segment that cut the model inside its first dense op.
const BUDGET: usize = 400;

fn plan(m: &Model) -> SegmentPlan {
    SegmentPlan::with_budget(m, Disclosure::Exact, BUDGET).unwrap()
}

/// Every segment's honest proof.
fn pieces(seg: &Segmented, m: &Model, run: &Run) -> Vec<Piece> {
    (0..seg.segments()).map(|s| seg.segment(s).unwrap().prove(m, run, |_, _| {}).unwrap()).collect()
}

/// Fold `s`, built for the honest `left` and `right`, gives no proof that verifies when its
/// right proof is `swapped`.
fn refused(seg: &Segmented, s: usize, left: &Piece, right: &Piece, swapped: &Piece) {
    if let Ok(folded) = seg.fold(s, left, right).unwrap().prove(left, swapped) {
        assert!(!folded.verifies(), "fold {s} accepted a proof it should refuse");
    }
}

/// The same with the left proof swapped.
fn refused_left(seg: &Segmented, s: usize, left: &Piece, right: &Piece, swapped: &Piece) {
    if let Ok(folded) = seg.fold(s, left, right).unwrap().prove(swapped, right) {
        assert!(!folded.verifies(), "fold {s} accepted a left proof it should refuse");
    }
}

/// `m` with weight `at` of its first dense op (op 2) one unit larger: another circuit,
/// which may compute the same rescaled values (the tests check that where they need it).
fn one_weight_off(m: &Model, at: usize) -> Model {
    let mut g = m.graph().clone();
    if let Op::Dense { weights, .. } = &mut g.ops[2] {
        weights[at] += 1;
    }
    m.with_graph(g).unwrap()
}

#[test]
fn the_plan_cuts_inside_an_op_and_never_before_a_relu() {
    let (m, _) = widened_breast_cancer();
    let p = plan(&m);
    assert!(p.segments() >= 3, "{:?}", p.cuts());
    assert!(p.cuts().iter().any(|c| c.done > 0), "no cut inside an op: {:?}", p.cuts());
    for c in p.cuts() {
        assert!(c.done > 0 || !matches!(m.graph().ops.get(c.op), Some(Op::Relu)), "a cut before a ReLU: {c:?}");
    }
    assert!(SegmentPlan::with_budget(&m, Disclosure::Exact, 1 << 16).unwrap().segments() == 1);
}

#[test]
fn a_segmented_proof_verifies_with_the_model_circuits_public_values() {
    let (m, input) = widened_breast_cancer();
    let seg = Segmented::new(&m, plan(&m)).unwrap();
    let salt = Salt([5, 6, 7, 8]);
    let challenge = Challenge::random();
    let run = seg.run(&input, &salt, Some(&challenge)).unwrap();
    let proof = seg.prove(&run).unwrap();
    assert_eq!(proof.steps.len(), 2 * seg.segments() - 1);
    // the verifier built without proving is the same, and checks the proof
    let verifier = seg.verifier().unwrap();
    assert_eq!(verifier.fingerprint(), proof.verifier.fingerprint());
    let public = verifier.verify(&proof.bytes).unwrap();
    assert_eq!(public, proof.public);
    // the same public values as the whole model circuit's proof of the same input and salt
    let circuit = ModelCircuit::build(&m, Disclosure::Exact).unwrap();
    let whole = prove_answering(&circuit, &m, &input, &salt, Some(&challenge)).unwrap();
    assert_eq!(verify(&circuit, &whole.bytes).unwrap(), public);
    // and a changed public input is refused
    let mut bytes = proof.bytes.clone();
    let n = bytes.len();
    bytes[n - 9] ^= 1;
    assert!(verifier.verify(&bytes).is_err());
}

#[test]
fn a_tampered_value_at_a_cut_is_refused() {
    let (m, input) = widened_breast_cancer();
    let seg = Segmented::new(&m, plan(&m)).unwrap();
    let run = seg.run(&input, &Salt::random(), None).unwrap();
    let first = seg.segment(0).unwrap().prove(&m, &run, |_, _| {}).unwrap();
    let cut = seg.segment(1).unwrap();
    let mut hit = false;
    let tampered = cut
        .prove(&m, &run, |h, v| {
            if matches!(h, Hint::Live { i: 0, .. }) && !hit {
                *v += F::ONE;
                hit = true;
            }
        })
        .unwrap();
    assert!(hit, "segment 1 carries no value across its cut");
    // the segment alone proves any value it is handed; the fold refuses the mismatch
    assert!(tampered.verifies());
    let honest = cut.prove(&m, &run, |_, _| {}).unwrap();
    refused(&seg, 1, &first, &honest, &tampered);
    // a different cut salt is refused the same way
    let resalted = cut
        .prove(&m, &run, |h, v| {
            if matches!(h, Hint::CutSalt { j: 0, .. }) {
                *v += F::ONE;
            }
        })
        .unwrap();
    refused(&seg, 1, &first, &honest, &resalted);
}

#[test]
fn a_segment_proof_from_another_position_or_model_is_refused() {
    let (m, input) = widened_breast_cancer();
    let p = plan(&m);
    let seg = Segmented::new(&m, p.clone()).unwrap();
    let run = seg.run(&input, &Salt::random(), None).unwrap();
    let honest = pieces(&seg, &m, &run);
    // the honest first fold proves
    let fold = seg.fold(1, &honest[0], &honest[1]).unwrap();
    assert!(fold.prove(&honest[0], &honest[1]).unwrap().verifies());
    // segment 2's proof in segment 1's place, and segment 0's in segment 1's
    refused(&seg, 1, &honest[0], &honest[1], &honest[2]);
    refused(&seg, 1, &honest[0], &honest[1], &honest[0]);
    // segment 1 of a model that differs in one weight of that segment's outputs, by one
    // unit: the same values at both cuts (so the same public inputs), another circuit
    let other = one_weight_off(&m, 30 * 700);
    let other_seg = Segmented::new(&other, p.clone()).unwrap();
    let other_run = other_seg.run(&input, &Salt::random(), None).unwrap().with_cut_salts_of(&run);
    let foreign = other_seg.segment(1).unwrap().prove(&other, &other_run, |_, _| {}).unwrap();
    assert!(foreign.verifies());
    assert_eq!(foreign.public_inputs(), honest[1].public_inputs(), "the test needs equal public inputs");
    refused(&seg, 1, &honest[0], &honest[1], &foreign);
    // and segment 0 of a model that differs in one weight of segment 0's outputs: the same
    // commitment at its cut (another digest), in the left place
    let same_values =
        |o: &Model| infer::run(o.graph(), &input).activations[3] == infer::run(m.graph(), &input).activations[3];
    let other = (0..30 * 500).step_by(37).map(|at| one_weight_off(&m, at)).find(same_values).unwrap();
    let other_seg = Segmented::new(&other, p).unwrap();
    let other_run = other_seg.run(&input, &Salt::random(), None).unwrap().with_cut_salts_of(&run);
    let foreign = other_seg.segment(0).unwrap().prove(&other, &other_run, |_, _| {}).unwrap();
    assert!(foreign.verifies());
    let cut = |p: &Piece| p.public_inputs().iter().rev().take(4).copied().collect::<Vec<F>>();
    assert_eq!(cut(&foreign), cut(&honest[0]), "the test needs the same commitment at the cut");
    refused_left(&seg, 1, &honest[0], &honest[1], &foreign);
}
