//! Compact proofs: a model proof wrapped in recursive plonky2 proofs whose configurations
//! trade prover time for size, ending in a proof of ~50 KB that verifies in a few
//! milliseconds.
//!
//! The chain follows plonky2's own size-optimised recursion: the model proof (zero
//! knowledge) → a standard recursion proof → a high-rate proof (rate 1/128, 12 queries) → a
//! final proof (rate 1/256, 10 queries, 20 proof-of-work bits, no Merkle caps, 37 routed
//! wires). Every step is 100-bit conjectured secure. Each wrapper verifies the previous proof
//! against verifier data fixed as circuit constants, so the final verifier data binds the
//! model, and it repeats the model proof's public inputs unchanged. The wrappers are not
//! zero-knowledge themselves: their witness is the previous proof, which is already
//! zero-knowledge (it could be published whole without revealing the input).

use plonky2::fri::reduction_strategies::FriReductionStrategy;
use plonky2::fri::FriConfig;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData, CommonCircuitData, VerifierOnlyCircuitData};
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};

use crate::circuit::ModelCircuit;
use crate::error::CircuitError;
use crate::field::{C, D, F};
use crate::gadgets::Builder;
use crate::public::{PublicLayout, PublicValues};
use crate::verifier::ModelVerifier;
use zkdx_model::error::contained;

/// One recursive step: a circuit that verifies the previous step's proof.
struct Wrapper {
    data: CircuitData<F, C, D>,
    proof: ProofWithPublicInputsTarget<D>,
}

/// The wrapper chain for one model circuit.
pub struct CompactCircuit {
    steps: Vec<Wrapper>,
    layout: PublicLayout,
}

/// The configurations of the chain, in order.
pub fn step_configs() -> [CircuitConfig; 3] {
    let standard = CircuitConfig::standard_recursion_config();
    let high_rate = CircuitConfig {
        fri_config: FriConfig {
            rate_bits: 7,
            proof_of_work_bits: 16,
            num_query_rounds: 12,
            ..standard.fri_config.clone()
        },
        ..standard.clone()
    };
    let final_config = CircuitConfig {
        num_routed_wires: 37,
        fri_config: FriConfig {
            rate_bits: 8,
            cap_height: 0,
            proof_of_work_bits: 20,
            reduction_strategy: FriReductionStrategy::MinSize(None),
            num_query_rounds: 10,
        },
        ..high_rate.clone()
    };
    [standard, high_rate, final_config]
}

fn wrap(
    config: CircuitConfig,
    inner_common: &CommonCircuitData<F, D>,
    inner_verifier: &VerifierOnlyCircuitData<C, D>,
) -> Wrapper {
    let mut b = Builder::new(config);
    let proof = b.add_virtual_proof_with_pis(inner_common);
    let vd = b.constant_verifier_data(inner_verifier);
    b.verify_proof::<C>(&proof, &vd, inner_common);
    b.register_public_inputs(&proof.public_inputs);
    Wrapper { data: b.build::<C>(), proof }
}

impl CompactCircuit {
    /// Build the wrapper chain for `model` (deterministic, like the model circuit).
    pub fn build(model: &ModelCircuit) -> CompactCircuit {
        let mut steps: Vec<Wrapper> = Vec::new();
        for config in step_configs() {
            let next = match steps.last() {
                None => wrap(config, &model.data.common, &model.data.verifier_only),
                Some(prev) => wrap(config, &prev.data.common, &prev.data.verifier_only),
            };
            steps.push(next);
        }
        CompactCircuit { steps, layout: model.layout }
    }

    /// Rows (log2) of each wrapper.
    pub fn degree_bits(&self) -> Vec<usize> {
        self.steps.iter().map(|s| s.data.common.degree_bits()).collect()
    }

    /// Wrap a model proof (bytes from [`crate::prove`]) into a compact proof.
    pub fn compress(&self, model: &ModelCircuit, proof_bytes: &[u8]) -> Result<Vec<u8>, CircuitError> {
        let mut proof = ProofWithPublicInputs::<F, C, D>::from_bytes(proof_bytes.to_vec(), &model.data.common)
            .map_err(|e| CircuitError::Malformed(e.to_string()))?;
        for step in &self.steps {
            let mut pw = PartialWitness::new();
            pw.set_proof_with_pis_target(&step.proof, &proof).map_err(|e| CircuitError::Prove(e.to_string()))?;
            proof = contained(|| step.data.prove(pw))
                .map_err(|_| CircuitError::Prove("the wrapper prover stopped".into()))?
                .map_err(|e| CircuitError::Prove(e.to_string()))?;
        }
        let last = self.last()?;
        let compressed = proof
            .compress(&last.data.verifier_only.circuit_digest, &last.data.common)
            .map_err(|e| CircuitError::Prove(e.to_string()))?;
        Ok(compressed.to_bytes())
    }

    /// The verifier of this chain's compact proofs, to keep without the wrappers' prover data
    /// (`ModelVerifier::to_bytes`).
    pub fn verifier(&self) -> Result<ModelVerifier, CircuitError> {
        Ok(ModelVerifier::compact(self.last()?.data.verifier_data(), self.layout))
    }

    /// Verify a compact proof; the model proof's public values on success.
    pub fn verify(&self, bytes: &[u8]) -> Result<PublicValues, CircuitError> {
        self.verifier()?.verify(bytes)
    }

    fn last(&self) -> Result<&Wrapper, CircuitError> {
        self.steps.last().ok_or_else(|| CircuitError::Build("no wrapper".into()))
    }
}
