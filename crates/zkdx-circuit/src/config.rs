//! The plonky2 configuration chosen per model size (zero knowledge always on).

use plonky2::fri::reduction_strategies::FriReductionStrategy;
use plonky2::fri::FriConfig;
use plonky2::plonk::circuit_data::CircuitConfig;

/// Models with at most this many multiply-accumulates use the small-circuit config.
pub const SMALL_MODEL_MACS: usize = 20_000;

/// The configuration for a model with `macs` multiply-accumulates.
///
/// Small models are dominated by the fixed block of zero-knowledge blinding rows, so they
/// use rate 1/16 with 21 queries and arity-2 FRI folding (fewest blinding rows; 100-bit
/// conjectured security: 21·4 + 16 proof-of-work bits). Larger models use plonky2's standard
/// zero-knowledge recursion config (rate 1/8, 28 queries; 100 bits).
pub fn for_model(macs: usize) -> CircuitConfig {
    if macs <= SMALL_MODEL_MACS {
        CircuitConfig {
            num_wires: 135,
            num_routed_wires: 25,
            num_constants: 2,
            use_base_arithmetic_gate: true,
            security_bits: 100,
            num_challenges: 2,
            zero_knowledge: true,
            max_quotient_degree_factor: 8,
            fri_config: FriConfig {
                rate_bits: 4,
                cap_height: 4,
                proof_of_work_bits: 16,
                reduction_strategy: FriReductionStrategy::ConstantArityBits(1, 0),
                num_query_rounds: 21,
            },
        }
    } else {
        CircuitConfig::standard_recursion_zk_config()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_config_is_zero_knowledge() {
        for macs in [0, SMALL_MODEL_MACS, SMALL_MODEL_MACS + 1, 1 << 22] {
            assert!(for_model(macs).zero_knowledge);
        }
    }
}
