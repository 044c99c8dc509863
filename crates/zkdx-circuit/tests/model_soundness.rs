//! Whole-model proofs: honest proofs verify and match the reference run; every kind of
//! dishonest hint is refused; a proof never verifies as another model.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use plonky2::field::types::Field;
use zkdx_circuit::field::F;
use zkdx_circuit::prove::{prove_tampered, prove_with};
use zkdx_circuit::witness::Hint;
use zkdx_circuit::{prove, verify, ModelCircuit, Salt};
use zkdx_model::disclosure::{percentages, resolution_steps, round_score};
use zkdx_model::infer::run;
use zkdx_model::{Disclosure, Model, Op};

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

fn breast_cancer() -> (Model, Vec<i64>) {
    let m = Model::load(&path("models/breast-cancer.onnx")).unwrap();
    let x = m.read_record(&path("models/examples/breast-cancer-malignant.json")).unwrap();
    let input = m.quantise_input(&x);
    (m, input)
}

fn refused(circuit: &ModelCircuit, m: &Model, input: &[i64], target: Hint, change: impl Fn(F) -> F) {
    let mut hit = false;
    let result = prove_with(circuit, m, input, &Salt([1, 2, 3, 4]), |h, v| {
        if h == target {
            *v = change(*v);
            hit = true;
        }
    });
    assert!(hit, "hint {target:?} not found in the circuit");
    if let Ok(proof) = result {
        assert!(verify(circuit, &proof.bytes).is_err(), "a proof with a dishonest {target:?} verified");
    }
}

/// Overwrite activation `i` of op `op`'s output after honest witness generation: the gate
/// that produced it must refuse.
fn refused_activation(circuit: &ModelCircuit, m: &Model, input: &[i64], op: usize, i: usize, value: i64) {
    let target = circuit.activations[op + 1][i];
    let v = zkdx_circuit::field::to_field(i128::from(value));
    let result = prove_tampered(circuit, m, input, &Salt([1, 2, 3, 4]), &[(target, v)]);
    if let Ok(proof) = result {
        assert!(verify(circuit, &proof.bytes).is_err(), "a proof with output {i} of op {op} set to {value} verified");
    }
}

#[test]
fn honest_proof_verifies_and_matches_the_reference() {
    let (m, input) = breast_cancer();
    let circuit = ModelCircuit::build(&m, Disclosure::Exact).unwrap();
    let proof = prove(&circuit, &m, &input, &Salt::random()).unwrap();
    let public = verify(&circuit, &proof.bytes).unwrap();
    let trace = run(m.graph(), &input);
    assert_eq!(public.outputs, trace.outputs());
    assert_eq!(public.label, Some(0), "the example is malignant");
    assert_eq!(public.digest_limbs, m.digest().limbs());
    assert_eq!(public, proof.public);
}

#[test]
fn a_proof_answers_exactly_its_challenge() {
    use plonky2::plonk::proof::ProofWithPublicInputs;
    use zkdx_circuit::{prove_answering, Challenge};
    let (m, input) = breast_cancer();
    let circuit = ModelCircuit::build(&m, Disclosure::Label).unwrap();
    let plain = prove(&circuit, &m, &input, &Salt::random()).unwrap();
    assert_eq!(verify(&circuit, &plain.bytes).unwrap().challenge, None, "no challenge: none proven");
    let challenge = Challenge::random();
    let proof = prove_answering(&circuit, &m, &input, &Salt::random(), Some(&challenge)).unwrap();
    assert_eq!(verify(&circuit, &proof.bytes).unwrap().challenge, Some(challenge));
    // the same proof presented as the answer to another challenge (or to none) is refused
    let other: Challenge = "0000-0000-0000-0001".parse().unwrap();
    for limbs in [other.limbs(), [0, 0]] {
        let mut p = ProofWithPublicInputs::<F, zkdx_circuit::field::C, 2>::from_bytes(
            proof.bytes.clone(),
            &circuit.data.common,
        )
        .unwrap();
        let at = zkdx_circuit::public::DIGEST_LIMBS + zkdx_circuit::public::COMMITMENT_LEN;
        p.public_inputs[at] = F::from_canonical_u64(limbs[0]);
        p.public_inputs[at + 1] = F::from_canonical_u64(limbs[1]);
        assert!(verify(&circuit, &p.to_bytes()).is_err(), "a proof verified with another challenge");
    }
}

#[test]
fn the_same_record_gives_unlinkable_commitments() {
    let (m, input) = breast_cancer();
    let a = zkdx_circuit::Commitment::of(&input, &Salt::random());
    let b = zkdx_circuit::Commitment::of(&input, &Salt::random());
    assert_ne!(a, b);
    let _ = m;
}

#[test]
fn circuit_is_deterministic() {
    let (m, _) = breast_cancer();
    let a = ModelCircuit::build(&m, Disclosure::Exact).unwrap().verifier_fingerprint();
    let b = ModelCircuit::build(&m, Disclosure::Exact).unwrap().verifier_fingerprint();
    assert_eq!(a, b, "the verifier data must be reproducible from the model alone");
}

#[test]
fn dishonest_hints_are_refused() {
    let (m, input) = breast_cancer();
    let circuit = ModelCircuit::build(&m, Disclosure::Exact).unwrap();
    let trace = run(m.graph(), &input);
    // a wrong rescale of the standardisation and of each dense layer (rescale gates, fused
    // with the ReLU that follows or not)
    for (op, i) in [(1, 0), (1, 3), (2, 3), (4, 0), (6, 1)] {
        let honest = trace.activations[op + 1][i];
        refused_activation(&circuit, &m, &input, op, i, honest + 1);
        refused_activation(&circuit, &m, &input, op, i, honest - 1);
    }
    // a negative value passed through a ReLU, or a positive one zeroed
    let relu_in = &trace.activations[3];
    let neg = relu_in.iter().position(|&v| v < 0).unwrap();
    let pos = relu_in.iter().position(|&v| v > 0).unwrap();
    refused_activation(&circuit, &m, &input, 3, neg, relu_in[neg]);
    refused_activation(&circuit, &m, &input, 3, pos, 0);
    // a changed label
    refused(&circuit, &m, &input, Hint::OneHot(0), |_| F::ZERO);
    refused(&circuit, &m, &input, Hint::OneHot(1), |_| F::ONE);
    // an input outside the model's ranges
    refused(&circuit, &m, &input, Hint::Input(3), |_| F::from_canonical_u64(1 << 40));
}

#[test]
fn a_forged_dense_accumulator_is_refused() {
    // The last layer's accumulator for logit 0 raised after the mat-vec rows: the rescale and
    // everything after it follow the forged value, so only the mat-vec row equation refuses
    let (m, input) = breast_cancer();
    let circuit = ModelCircuit::build(&m, Disclosure::Exact).unwrap();
    let trace = run(m.graph(), &input);
    let last = m.graph().ops.len() - 1;
    let acc = circuit.accumulators[last][0];
    let half = 1i128 << (m.graph().scale_bits - 1);
    for raise in [1i128 << m.graph().scale_bits, 1 << 32] {
        let forged = zkdx_circuit::field::to_field(trace.accumulators[last][0] + half + raise);
        let result = prove_tampered(&circuit, &m, &input, &Salt([1, 2, 3, 4]), &[(acc, forged)]);
        if let Ok(proof) = result {
            assert!(verify(&circuit, &proof.bytes).is_err(), "a forged accumulator (+{raise}) verified");
        }
    }
}

#[test]
fn cnn_and_sigmoid_models_prove_and_refuse_dishonest_hints() {
    let m = Model::load(&path("tests/fixtures/tiny-cnn.onnx")).unwrap();
    let input: Vec<i64> = (0..64).map(|i| ((i * 7919) % 65536) as i64).collect();
    let circuit = ModelCircuit::build(&m, Disclosure::Exact).unwrap();
    let proof = prove(&circuit, &m, &input, &Salt::random()).unwrap();
    assert_eq!(verify(&circuit, &proof.bytes).unwrap().outputs, run(m.graph(), &input).outputs());
    refused(&circuit, &m, &input, Hint::PoolMax { op: 2, i: 0 }, |v| v + F::ONE);
    refused(&circuit, &m, &input, Hint::Quotient { op: 5, i: 0 }, |v| v + F::ONE);
    let trace = run(m.graph(), &input);
    for (op, i) in [(0, 9), (3, 5), (6, 2)] {
        refused_activation(&circuit, &m, &input, op, i, trace.activations[op + 1][i] - 1);
    }
    // three classes: whole percents by table selection, one off refused
    let coarse = ModelCircuit::build(&m, Disclosure::Coarse).unwrap();
    let proof = prove(&coarse, &m, &input, &Salt::random()).unwrap();
    let public = verify(&coarse, &proof.bytes).unwrap();
    assert_eq!(public.percentages, percentages(trace.outputs(), m.graph().scale_bits));
    refused(&coarse, &m, &input, Hint::Percent(2), |v| v + F::ONE);

    let s = Model::load(&path("tests/fixtures/sigmoid-head.onnx")).unwrap();
    let input = s.quantise_input(&[1.0, -2.0, 0.5, 2.5]);
    let circuit = ModelCircuit::build(&s, Disclosure::Exact).unwrap();
    let proof = prove(&circuit, &s, &input, &Salt::random()).unwrap();
    let public = verify(&circuit, &proof.bytes).unwrap();
    assert_eq!(public.label, Some(usize::from(run(s.graph(), &input).outputs()[0] >= 0)));
    refused(&circuit, &s, &input, Hint::SigmoidSign, |v| F::ONE - v);
    // a sigmoid head's coarse probabilities are the softmax of the logits (0, z)
    let coarse = ModelCircuit::build(&s, Disclosure::Coarse).unwrap();
    let proof = prove(&coarse, &s, &input, &Salt::random()).unwrap();
    let public = verify(&coarse, &proof.bytes).unwrap();
    let z = run(s.graph(), &input).outputs()[0];
    assert_eq!(public.percentages, percentages(&[0, z], s.graph().scale_bits));
    refused(&coarse, &s, &input, Hint::PairStep, |v| v + F::ONE);
    refused(&coarse, &s, &input, Hint::PairFlag { rank: 1, j: 0 }, |v| F::ONE - v);
}

/// A random-forest-shaped model over breast-cancer's 30 inputs: three depth-2 trees whose
/// thresholds sit mid-range (every branch open), votes as probabilities.
fn forest() -> (Model, Vec<i64>) {
    use zkdx_model::ir::{Head, TreeNode};
    let (m, input) = breast_cancer();
    let one = 1i64 << m.graph().scale_bits;
    let mid = |f: usize| {
        let iv = m.bounds().activations[0][f];
        ((iv.lo + iv.hi) / 2) as i64
    };
    let vote = |p: i64| TreeNode::Leaf { values: vec![(0, p * one / 300), (1, (100 - p) * one / 300)] };
    let tree = |a: usize, b: usize| {
        vec![
            TreeNode::Branch { feature: a, threshold: mid(a), yes: 1, no: 4 },
            TreeNode::Branch { feature: b, threshold: mid(b), yes: 2, no: 3 },
            vote(10),
            vote(60),
            vote(95),
        ]
    };
    let mut g = m.graph().clone();
    let trees = vec![tree(0, 1), tree(2, 7), tree(20, 27)];
    g.ops = vec![Op::TreeEnsemble { inputs: 30, outputs: 2, trees, base: vec![0, 0] }];
    g.head = Head::Probabilities;
    (m.with_graph(g).unwrap(), input)
}

#[test]
fn a_forest_proves_its_votes_and_refuses_a_wrong_branch() {
    let (m, input) = forest();
    let trace = run(m.graph(), &input);
    let circuit = ModelCircuit::build(&m, Disclosure::Exact).unwrap();
    let public = verify(&circuit, &prove(&circuit, &m, &input, &Salt::random()).unwrap().bytes).unwrap();
    assert_eq!(public.outputs, trace.outputs());
    assert_eq!(public.label, Some(zkdx_model::infer::argmax(trace.outputs())));
    // every branch's hint is pinned down: the opposite side is refused
    for (feature, tree_root) in [(0, 0usize), (2, 1), (27, 2)] {
        let Op::TreeEnsemble { trees, .. } = &m.graph().ops[0] else { unreachable!() };
        let threshold = match &trees[tree_root][if feature == 27 { 1 } else { 0 }] {
            zkdx_model::ir::TreeNode::Branch { threshold, .. } => *threshold,
            _ => unreachable!(),
        };
        refused(&circuit, &m, &input, Hint::TreeBranch { op: 0, feature, threshold }, |v| F::ONE - v);
    }
    // coarse: the label and each class's whole percent, the votes rounded in the circuit
    let coarse = ModelCircuit::build(&m, Disclosure::Coarse).unwrap();
    let public = verify(&coarse, &prove(&coarse, &m, &input, &Salt::random()).unwrap().bytes).unwrap();
    let steps = resolution_steps(0.01, m.graph().scale_bits);
    let want: Vec<u32> = trace.outputs().iter().map(|&q| round_score(q, steps) as u32).collect();
    assert_eq!(public.percentages, want);
    assert_eq!(want.iter().sum::<u32>(), 100, "{want:?}");
}

/// Decision scores (a linear SVM's): the label is the sign of one score or the argmax of
/// several, proved; no probabilities are made up, so `coarse` is refused.
#[test]
fn decision_scores_prove_their_label_and_disclose_no_probabilities() {
    use zkdx_model::ir::Head;
    let one = Model::load(&path("tests/fixtures/sigmoid-head.onnx")).unwrap();
    let mut g = one.graph().clone();
    g.head = Head::Margins;
    let one = one.with_graph(g).unwrap();
    let (m, input) = breast_cancer();
    let mut g = m.graph().clone();
    g.head = Head::Margins;
    let several = m.with_graph(g).unwrap();
    for (m, input) in [(one.clone(), one.quantise_input(&[1.0, -2.0, 0.5, 2.5])), (several, input)] {
        assert_eq!(m.default_disclosure(), Disclosure::Label);
        let e = ModelCircuit::build(&m, Disclosure::Coarse).err().unwrap().to_string();
        assert!(e.contains("decision scores, not probabilities"), "{e}");
        let outputs = run(m.graph(), &input).outputs().to_vec();
        let want = m.interpret(&outputs).label;
        assert!(m.interpret(&outputs).probabilities.is_empty());
        for disclosure in [Disclosure::Label, Disclosure::Exact] {
            let circuit = ModelCircuit::build(&m, disclosure).unwrap();
            let public = verify(&circuit, &prove(&circuit, &m, &input, &Salt::random()).unwrap().bytes).unwrap();
            assert_eq!(public.label, want);
            assert!(public.percentages.is_empty() && public.rounded.is_empty());
            if outputs.len() == 1 {
                refused(&circuit, &m, &input, Hint::SigmoidSign, |v| F::ONE - v);
            } else {
                refused(&circuit, &m, &input, Hint::OneHot(want.unwrap()), |v| F::ONE - v);
            }
        }
    }
    assert_eq!(one.interpret(&[-1]).label, Some(0));
    assert_eq!(one.interpret(&[0]).label, Some(1), "a score of 0 is class 1, as the circuit's sign");
}

#[test]
fn hidden_sigmoid_model_proves_without_lookups_and_refuses_a_wrong_table_index() {
    let m = Model::load(&path("tests/fixtures/sigmoid-hidden.onnx")).unwrap();
    let input = m.quantise_input(&[1.0, -2.0, 0.5]);
    let circuit = ModelCircuit::build(&m, Disclosure::Exact).unwrap();
    // plonky2's lookup polynomials are not blinded: a private index must never reach one
    assert!(circuit.data.common.luts.is_empty() && circuit.data.common.num_lookup_polys == 0);
    let proof = prove(&circuit, &m, &input, &Salt::random()).unwrap();
    assert_eq!(verify(&circuit, &proof.bytes).unwrap().outputs, run(m.graph(), &input).outputs());
    refused(&circuit, &m, &input, Hint::SigmoidStep { op: 1, i: 2 }, |v| v + F::ONE);
    // the index's digits moved by one: flag j off, flag j+1 on, in the low digit
    let base = zkdx_circuit::gadgets::table::BASE;
    let trace = run(m.graph(), &input);
    let t = zkdx_model::sigmoid::step(trace.activations[1][2], m.graph().scale_bits).0;
    let low = base + zkdx_model::sigmoid::index(t) % base;
    refused(&circuit, &m, &input, Hint::SigmoidDigit { op: 1, i: 2, j: low }, |_| F::ZERO);
    refused(&circuit, &m, &input, Hint::SigmoidDigit { op: 1, i: 2, j: low ^ 1 }, |_| F::ONE);
}

#[test]
fn a_proof_never_verifies_as_another_model_of_the_same_shape() {
    let (a, input) = breast_cancer();
    let mut g = a.graph().clone();
    if let Op::Dense { weights, .. } = &mut g.ops[2] {
        weights[0] += 1;
    }
    let b = a.with_graph(g).unwrap();
    assert_ne!(a.digest(), b.digest());
    let circuit_a = ModelCircuit::build(&a, Disclosure::Exact).unwrap();
    let circuit_b = ModelCircuit::build(&b, Disclosure::Exact).unwrap();
    let proof = prove(&circuit_a, &a, &input, &Salt::random()).unwrap();
    assert!(verify(&circuit_b, &proof.bytes).is_err(), "model A's proof verified as model B");
    let proof_b = prove(&circuit_b, &b, &input, &Salt::random()).unwrap();
    assert!(verify(&circuit_a, &proof_b.bytes).is_err(), "model B's proof verified as model A");
}

#[test]
fn coarse_and_label_proofs_disclose_only_what_they_say() {
    let (m, input) = breast_cancer();
    let trace = run(m.graph(), &input);
    let coarse = ModelCircuit::build(&m, Disclosure::Coarse).unwrap();
    let proof = prove(&coarse, &m, &input, &Salt::random()).unwrap();
    let public = verify(&coarse, &proof.bytes).unwrap();
    assert!(public.outputs.is_empty(), "no exact logit is public");
    assert_eq!(public.label, Some(0));
    assert_eq!(public.percentages, percentages(trace.outputs(), m.graph().scale_bits));
    // two classes' percents come from the run their gap falls in: the wrong class as the
    // larger, a run moved or the gap's step off by one is refused by the circuit
    refused(&coarse, &m, &input, Hint::PairFirstLarger, |v| F::ONE - v);
    refused(&coarse, &m, &input, Hint::PairFlag { rank: 0, j: 0 }, |v| F::ONE - v);
    refused(&coarse, &m, &input, Hint::PairFlag { rank: 1, j: 3 }, |v| F::ONE - v);
    refused(&coarse, &m, &input, Hint::PairStep, |v| v + F::ONE);
    // two coarse proofs of one record share the disclosed result and nothing else public
    let again = prove(&coarse, &m, &input, &Salt::random()).unwrap();
    assert_eq!((again.public.label, &again.public.percentages), (public.label, &public.percentages));
    assert_ne!(again.public.commitment, public.commitment);

    let label = ModelCircuit::build(&m, Disclosure::Label).unwrap();
    let proof = prove(&label, &m, &input, &Salt::random()).unwrap();
    let public = verify(&label, &proof.bytes).unwrap();
    assert!(public.outputs.is_empty() && public.percentages.is_empty());
    assert_eq!(public.label, Some(0));
    assert_eq!(proof.public, public);
    // each disclosure is its own circuit: a proof of one never verifies as another
    assert!(verify(&coarse, &proof.bytes).is_err());
}

#[test]
fn a_coarse_score_is_rounded_in_the_circuit() {
    let m = Model::load(&path("models/diabetes-progression.onnx")).unwrap();
    let x = m.read_record(&path("models/examples/diabetes-progression.csv")).unwrap();
    let input = m.quantise_input(&x);
    let circuit = ModelCircuit::build(&m, Disclosure::Coarse).unwrap();
    let proof = prove(&circuit, &m, &input, &Salt::random()).unwrap();
    let public = verify(&circuit, &proof.bytes).unwrap();
    let steps = resolution_steps(m.score_resolution(), m.graph().scale_bits);
    let want: Vec<i64> = run(m.graph(), &input).outputs().iter().map(|&y| round_score(y, steps)).collect();
    assert_eq!(public.rounded, want);
    assert!(public.outputs.is_empty());
    refused(&circuit, &m, &input, Hint::RoundedScore(0), |v| v + F::ONE);
    assert!(ModelCircuit::build(&m, Disclosure::Label).is_err(), "a score has no label to disclose");
}
