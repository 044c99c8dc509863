//! zkDx's custom plonky2 gates: the rows that make dense layers and rescaling cheap.
//!
//! - [`mat_vec`]: a block of dot products with the weights in the gate's constants.
//! - [`rescale`]: round-to-nearest rescaling, optionally fused with ReLU, by base-4 digits.
//!
//! Each gate is checked by plonky2's `gate_testing` (low degree; the native, batched and
//! recursive evaluations agree) and by dishonest-witness tests that tamper with a wire
//! after honest witness generation and expect the real verifier to refuse the proof.

pub mod mat_vec;
pub mod rescale;
