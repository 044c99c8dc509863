//! Errors of the circuit crate.

use thiserror::Error;

/// Why a proof could not be made or checked.
#[derive(Debug, Error)]
pub enum CircuitError {
    /// The model cannot be turned into a circuit.
    #[error("cannot build the circuit: {0}")]
    Build(String),
    /// The prover failed (for an honest input this is a bug; report it).
    #[error("proving failed: {0}")]
    Prove(String),
    /// The proof bytes are not a proof for this circuit.
    #[error("the proof is malformed or for another circuit: {0}")]
    Malformed(String),
    /// The proof does not verify.
    #[error("the proof does not verify against this model: {0}")]
    Invalid(String),
    /// The public values do not fit this model.
    #[error("the proof's public values are inconsistent: {0}")]
    PublicValues(String),
}
