//! Proving: the reference integer run gives every hint; plonky2 (zero knowledge on) proves.

use plonky2::field::types::Field;
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};

use crate::circuit::ModelCircuit;

use crate::error::CircuitError;
use crate::field::F;
use crate::public::{Challenge, PublicValues, CHALLENGE_LEN};
use crate::witness::{Assignment, Hint};
/// Run a closure with an observer told each step of plonky2's prover as it starts on this
/// thread (`witness`, `wires`, `permutation`, `quotient`, `openings`, `fri`): the progress
/// hook of zkDx's plonky2 patch (`docs/zero-knowledge.md`).
pub use plonky2::plonk::prover::stages::observe as observe_prover_steps;
use zkdx_model::error::contained;
use zkdx_model::infer;
use zkdx_model::Model;

use crate::commitment::Salt;

/// A proof and its public values.
#[derive(Debug, Clone)]
pub struct Proof {
    /// plonky2's serialised proof with public inputs.
    pub bytes: Vec<u8>,
    /// The public values it proves.
    pub public: PublicValues,
}

/// Prove that `model` on the quantised `input` gives its outputs, committing to the input
/// with `salt`. The input must be within the model's ranges (read it with
/// [`Model::read_record`]).
pub fn prove(circuit: &ModelCircuit, model: &Model, input: &[i64], salt: &Salt) -> Result<Proof, CircuitError> {
    prove_inner(circuit, model, input, salt, None, |_, _| {}, &[])
}

/// [`prove`], binding the proof to a clinician's freshness `challenge` (a public input):
/// the proof then answers that request and no other.
pub fn prove_answering(
    circuit: &ModelCircuit,
    model: &Model,
    input: &[i64],
    salt: &Salt,
    challenge: Option<&Challenge>,
) -> Result<Proof, CircuitError> {
    prove_inner(circuit, model, input, salt, challenge, |_, _| {}, &[])
}

/// [`prove`] with a hook that may change hint values before proving: the soundness tests
/// use it to play a dishonest prover. Never use it to make real proofs.
#[doc(hidden)]
pub fn prove_with(
    circuit: &ModelCircuit,
    model: &Model,
    input: &[i64],
    salt: &Salt,
    tamper: impl FnMut(Hint, &mut F),
) -> Result<Proof, CircuitError> {
    prove_inner(circuit, model, input, salt, None, tamper, &[])
}

/// [`prove`] with `edits` (targets such as [`ModelCircuit::activations`]) given in advance:
/// the gates' generators keep them and compute everything after them from them, so only
/// the constraints can refuse. A dishonest prover for the soundness tests; never use it to
/// make real proofs.
#[doc(hidden)]
pub fn prove_tampered(
    circuit: &ModelCircuit,
    model: &Model,
    input: &[i64],
    salt: &Salt,
    edits: &[(Target, F)],
) -> Result<Proof, CircuitError> {
    prove_inner(circuit, model, input, salt, None, |_, _| {}, edits)
}

fn prove_inner(
    circuit: &ModelCircuit,
    model: &Model,
    input: &[i64],
    salt: &Salt,
    challenge: Option<&Challenge>,
    mut tamper: impl FnMut(Hint, &mut F),
    edits: &[(Target, F)],
) -> Result<Proof, CircuitError> {
    if input.len() != model.graph().input_len() {
        return Err(CircuitError::Prove(format!(
            "{} input values for a model of {}",
            input.len(),
            model.graph().input_len()
        )));
    }
    let trace = infer::run(model.graph(), input);
    let assignment = Assignment {
        trace: &trace,
        salt: salt.field(),
        cut_salts: &[],
        challenge: challenge.map_or([0; CHALLENGE_LEN], |c| c.limbs()).map(F::from_canonical_u64),
        k: circuit.scale_bits,
        head: model.graph().head,
        resolution_steps: zkdx_model::disclosure::resolution_steps(model.score_resolution(), circuit.scale_bits),
    };
    let mut pw = PartialWitness::new();
    for &(target, hint) in &circuit.hints {
        let mut v = assignment.value(hint);
        tamper(hint, &mut v);
        pw.set_target(target, v).map_err(|e| CircuitError::Prove(e.to_string()))?;
    }
    for &(t, v) in edits {
        pw.set_target(t, v).map_err(|e| CircuitError::Prove(e.to_string()))?;
    }
    let proof = contained(|| circuit.data.prove(pw))
        .map_err(|_| CircuitError::Prove("the prover stopped on an inconsistent witness".into()))?
        .map_err(|e| CircuitError::Prove(e.to_string()))?;
    let public = circuit.layout.decode(&proof.public_inputs)?;
    Ok(Proof { bytes: proof.to_bytes(), public })
}
