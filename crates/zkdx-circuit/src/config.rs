//! The plonky2 configuration chosen per model size (zero knowledge always on).

use plonky2::fri::reduction_strategies::FriReductionStrategy;
use plonky2::fri::FriConfig;
use plonky2::plonk::circuit_data::CircuitConfig;

use crate::gates::mat_vec::MatVecGate;

/// Models with at most this many multiply-accumulates use the small-circuit config.
/// Measured (`zkdx bench`, 2 cores): breast-cancer (654 MACs) proves in 0.74 s with the
/// small config and 0.88 s with the large one; the 10k-parameter MLP (9,824 MACs) in 1.40 s
/// and 0.97 s.
pub const SMALL_MODEL_MACS: usize = 5_000;

/// The configuration for a model with `macs` multiply-accumulates. Both kinds have 100-bit
/// conjectured security (queries × rate bits + 16 proof-of-work bits), zero knowledge, and
/// arity-2 FRI folding with a one-coefficient final polynomial, which keeps the fixed block
/// of zero-knowledge blinding rows small.
///
/// - Small models are dominated by that block: rate 1/16 with 21 queries, 64 routed wires
///   and 64 constant columns (a [`MatVecGate`] row of 16 × 4 weights).
/// - Larger models are dominated by their dense rows: rate 1/8 with 28 queries and 128
///   routed wires and constant columns (a [`MatVecGate`] row of 16 × 8 weights). plonky2's
///   constant rows route every constant, so constants cannot outnumber routed wires.
///
/// Measured with `zkdx bench` (see the README): for a 1M-parameter MLP this config proves in
/// about half the time of plonky2's standard recursion config with 80 weights per row.
pub fn for_model(macs: usize) -> CircuitConfig {
    let (width, rate_bits, num_query_rounds) = if macs <= SMALL_MODEL_MACS { (64, 4, 21) } else { (128, 3, 28) };
    CircuitConfig {
        num_wires: 135,
        num_routed_wires: width,
        num_constants: width,
        use_base_arithmetic_gate: true,
        security_bits: 100,
        num_challenges: 2,
        zero_knowledge: true,
        max_quotient_degree_factor: 8,
        fri_config: FriConfig {
            rate_bits,
            cap_height: 4,
            proof_of_work_bits: 16,
            reduction_strategy: FriReductionStrategy::ConstantArityBits(1, 0),
            num_query_rounds,
        },
    }
}

/// A config's soundness, in bits, as plonky2 states it and as FRI's proven bounds give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityBits {
    /// plonky2's conjectured figure: queries × rate bits + proof-of-work bits (capped at 128).
    pub conjectured: usize,
    /// The query phase's proven figure in the list-decoding (Johnson-bound) regime: each
    /// query gives about half the rate bits, so queries × rate bits / 2 + proof-of-work bits.
    /// An upper limit on the provable level: the commit phase and plonky2's other arguments
    /// are not counted here.
    pub provable_queries: usize,
}

/// The security of `config` (see [`SecurityBits`]).
pub fn security_bits(config: &CircuitConfig) -> SecurityBits {
    let f = &config.fri_config;
    let pow = f.proof_of_work_bits as usize;
    SecurityBits {
        conjectured: (f.num_query_rounds * f.rate_bits + pow).min(128),
        provable_queries: (f.num_query_rounds * f.rate_bits) / 2 + pow,
    }
}

/// The [`MatVecGate`] with the most weights per row that the config holds: one weight per
/// constant column (plonky2's constant rows route every constant, so a config has at most
/// as many constants as routed wires) and routed wires for the inputs and two per output.
pub fn mat_vec_gate(config: &CircuitConfig) -> MatVecGate {
    [16, 8, 4, 2, 1]
        .into_iter()
        .map(|inputs| {
            let outputs = (config.num_constants / inputs).min(config.num_routed_wires.saturating_sub(inputs) / 2);
            MatVecGate { inputs, outputs: outputs.max(1) }
        })
        .max_by_key(|g| (g.macs(), g.inputs))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_config_is_zero_knowledge_with_100_bits() {
        for macs in [0, SMALL_MODEL_MACS, SMALL_MODEL_MACS + 1, 1 << 22] {
            let c = for_model(macs);
            assert!(c.zero_knowledge);
            let f = &c.fri_config;
            assert!(f.num_query_rounds * f.rate_bits + f.proof_of_work_bits as usize >= 100);
        }
    }

    #[test]
    fn security_is_stated_both_ways() {
        // rate 1/16 × 21 queries and rate 1/8 × 28 queries, 16 proof-of-work bits each
        for macs in [0, usize::MAX] {
            assert_eq!(security_bits(&for_model(macs)), SecurityBits { conjectured: 100, provable_queries: 58 });
        }
    }

    #[test]
    fn dense_rows_hold_at_least_64_multiply_adds() {
        assert_eq!(mat_vec_gate(&for_model(0)), MatVecGate { inputs: 16, outputs: 4 });
        assert_eq!(mat_vec_gate(&for_model(usize::MAX)), MatVecGate { inputs: 16, outputs: 8 });
        for macs in [0, usize::MAX] {
            assert!(mat_vec_gate(&for_model(macs)).macs() >= 64);
            let c = for_model(macs);
            let g = mat_vec_gate(&c);
            assert!(c.num_constants <= c.num_routed_wires, "constant rows route every constant");
            assert!(g.macs() <= c.num_constants && g.inputs + 2 * g.outputs <= c.num_routed_wires);
        }
    }
}
