//! zkDx's custom plonky2 gates: the rows that make dense layers and rescaling cheap.
//!
//! - [`mat_vec`]: a block of dot products with the weights in the gate's constants.
//! - [`poseidon_rounds`]: a few rounds of the Poseidon permutation, so in-circuit hashing
//!   does not need plonky2's 135-wire `PoseidonGate`.
//! - [`rescale`]: round-to-nearest rescaling, optionally fused with ReLU, by base-4 digits.
//!
//! Each gate is checked by plonky2's `gate_testing` (low degree; the native, batched and
//! recursive evaluations agree) and by dishonest-witness tests that tamper with a wire
//! after honest witness generation and expect the real verifier to refuse the proof.

use plonky2::hash::hash_types::RichField;
use plonky2::iop::generator::GeneratedValues;
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartitionWitness, Witness, WitnessWrite};

pub mod mat_vec;
pub mod poseidon_rounds;
pub mod rescale;

/// Set `t` to `v` unless the prover's partial witness already gave it a value: the gates'
/// generators compute what an honest prover would, and a value given in advance (a
/// dishonest prover in the soundness tests) wins and flows on to every later generator, so
/// only the constraints stand between it and a proof.
fn set_unless_given<F: RichField>(
    witness: &PartitionWitness<F>,
    out: &mut GeneratedValues<F>,
    t: Target,
    v: F,
) -> anyhow::Result<()> {
    match witness.try_get_target(t) {
        Some(_) => Ok(()),
        None => out.set_target(t, v),
    }
}
