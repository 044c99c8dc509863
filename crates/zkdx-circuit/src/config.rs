//! The plonky2 configuration chosen per model size (zero knowledge always on).

use plonky2::fri::reduction_strategies::FriReductionStrategy;
use plonky2::fri::FriConfig;
use plonky2::plonk::circuit_data::CircuitConfig;

use crate::gates::mat_vec::MatVecGate;

/// Models with at most this many multiply-accumulates use the small-circuit config.
pub const SMALL_MODEL_MACS: usize = 20_000;

/// The configuration for a model with `macs` multiply-accumulates.
///
/// Small models are dominated by the fixed block of zero-knowledge blinding rows, so they
/// use rate 1/16 with 21 queries and arity-2 FRI folding (fewest blinding rows; 100-bit
/// conjectured security: 21·4 + 16 proof-of-work bits). Larger models use plonky2's standard
/// zero-knowledge recursion config (rate 1/8, 28 queries; 100 bits). Large models get 80
/// constant columns: a [`MatVecGate`] row of 80 weights.
pub fn for_model(macs: usize) -> CircuitConfig {
    if macs <= SMALL_MODEL_MACS {
        CircuitConfig {
            num_wires: 135,
            num_routed_wires: 25,
            num_constants: 24,
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
        CircuitConfig { num_constants: 80, ..CircuitConfig::standard_recursion_zk_config() }
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
    fn every_config_is_zero_knowledge() {
        for macs in [0, SMALL_MODEL_MACS, SMALL_MODEL_MACS + 1, 1 << 22] {
            assert!(for_model(macs).zero_knowledge);
        }
    }

    #[test]
    fn large_model_dense_rows_hold_at_least_64_multiply_adds() {
        assert_eq!(mat_vec_gate(&for_model(0)), MatVecGate { inputs: 8, outputs: 3 });
        assert_eq!(mat_vec_gate(&for_model(usize::MAX)), MatVecGate { inputs: 16, outputs: 5 });
        assert!(mat_vec_gate(&for_model(usize::MAX)).macs() >= 64);
        for macs in [0, usize::MAX] {
            let c = for_model(macs);
            let g = mat_vec_gate(&c);
            assert!(c.num_constants <= c.num_routed_wires, "constant rows route every constant");
            assert!(g.macs() <= c.num_constants && g.inputs + 2 * g.outputs <= c.num_routed_wires);
        }
    }
}
