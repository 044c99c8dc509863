//! Verification with plonky2's verifier and the model's verifier data only: no input, no
//! prover state. Checks that the proof is valid for this model's circuit and decodes its
//! public values; the caller compares them with what a bundle claims.

use plonky2::plonk::proof::ProofWithPublicInputs;

use crate::circuit::ModelCircuit;
use crate::error::CircuitError;
use crate::field::{C, D, F};
use crate::public::PublicValues;

/// Largest proof accepted (a zkDx proof is ~100–250 KB).
pub const MAX_PROOF_BYTES: usize = 8 << 20;

/// Verify proof bytes against a model's circuit; the public values on success.
pub fn verify(circuit: &ModelCircuit, bytes: &[u8]) -> Result<PublicValues, CircuitError> {
    if bytes.len() > MAX_PROOF_BYTES {
        return Err(CircuitError::Malformed(format!("{} bytes is larger than any zkDx proof", bytes.len())));
    }
    let common = &circuit.data.common;
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ProofWithPublicInputs::<F, C, D>::from_bytes(bytes.to_vec(), common)
    }))
    .map_err(|_| CircuitError::Malformed("the proof could not be parsed".into()))?
    .map_err(|e| CircuitError::Malformed(e.to_string()))?;
    let public = circuit.layout.decode(&parsed.public_inputs)?;
    let verifier = circuit.data.verifier_data();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| verifier.verify(parsed)))
        .map_err(|_| CircuitError::Invalid("the verifier stopped on a malformed proof".into()))?
        .map_err(|e| CircuitError::Invalid(e.to_string()))?;
    Ok(public)
}
