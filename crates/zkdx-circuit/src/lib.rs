//! zkDx's plonky2 circuit: proves that a committed, quantised model (its weights are
//! constants of the circuit, so the verifier data binds them) ran on a private input
//! (committed to with Poseidon and a random salt) and gave the public outputs.
//!
//! - [`gadgets`]: one module per op; where each constraint lives.
//! - [`gates`]: zkDx's custom gates (dense rows with the weights as constants; rescale
//!   fused with ReLU; Poseidon's rounds a few per row), each with `gate_testing` and dishonest-witness tests.
//! - [`config`]: the plonky2 configuration per model size; [`hash`] its hashes (Poseidon,
//!   in narrow rows inside circuits).
//! - [`commitment`]: the salt, the input commitment and their hex form.
//! - [`circuit`]: the whole graph wired from the gadgets; [`public`] the public-input layout.
//! - [`witness`]: the prover's hint values, taken from the reference integer run.
//! - [`prove`] / [`verify`]: the real plonky2 prover and verifier (zero knowledge on).
//! - [`compact`]: the optional recursive wrapper for ~50 KB proofs.
//! - [`segment`]: models larger than one circuit, proved in segments folded into one proof.
//! - [`stored`]: a built circuit as bytes, for a prover's cache.

pub mod circuit;
pub mod commitment;
pub mod compact;
pub mod config;
pub mod error;
pub mod field;
pub mod gadgets;
pub mod gates;
pub mod hash;
pub mod prove;
pub mod public;
pub mod segment;
pub mod stored;
pub mod verifier;
pub mod verify;
pub mod witness;

pub use circuit::{ModelCircuit, Variant};
pub use commitment::{Commitment, Salt};
pub use config::Assurance;
pub use error::CircuitError;
pub use prove::{observe_prover_steps, prove, prove_answering, Proof};
pub use public::{Challenge, PublicValues};
pub use verifier::{ModelVerifier, ProofKind};
pub use verify::verify;
