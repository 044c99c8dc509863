//! Verification with plonky2's verifier and the model's verifier data only: no input, no
//! prover state. Checks that the proof is valid for this model's circuit and decodes its
//! public values; the caller compares them with what a bundle claims.

use crate::circuit::ModelCircuit;
use crate::error::CircuitError;
use crate::public::PublicValues;
use zkdx_model::error::contained;

/// Largest proof accepted (a zkDx proof is ~100–250 KB).
pub const MAX_PROOF_BYTES: usize = 8 << 20;

/// Verify proof bytes against a model's circuit; the public values on success.
pub fn verify(circuit: &ModelCircuit, bytes: &[u8]) -> Result<PublicValues, CircuitError> {
    crate::verifier::ModelVerifier::of(circuit).verify(bytes)
}

/// The verification steps every proof kind shares: refuse oversized bytes, parse and
/// verify with panics contained (a malformed proof must not panic the caller), and decode
/// the public values before the proof is consumed. `what` names the proof in errors.
pub(crate) fn guarded<P>(
    what: &str,
    bytes: &[u8],
    parse: impl FnOnce(Vec<u8>) -> anyhow::Result<P>,
    decode: impl FnOnce(&P) -> Result<PublicValues, CircuitError>,
    check: impl FnOnce(P) -> anyhow::Result<()>,
) -> Result<PublicValues, CircuitError> {
    if bytes.len() > MAX_PROOF_BYTES {
        return Err(CircuitError::Malformed(format!("{} bytes is larger than any zkDx proof", bytes.len())));
    }
    let parsed = contained(|| parse(bytes.to_vec()))
        .map_err(|_| CircuitError::Malformed(format!("the {what} could not be parsed")))?
        .map_err(|e| CircuitError::Malformed(e.to_string()))?;
    let public = decode(&parsed)?;
    contained(|| check(parsed))
        .map_err(|_| CircuitError::Invalid("the verifier stopped on a malformed proof".into()))?
        .map_err(|e| CircuitError::Invalid(e.to_string()))?;
    Ok(public)
}
