//! A small harness for gadget tests: build a circuit around one gadget, set its witness
//! (honest or not), prove and verify with the real verifier (on [`soundness_config`]).

use plonky2::field::types::Field;
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_data::CircuitConfig;

use super::Builder;
use crate::field::{to_field, C, F};

pub struct Harness {
    pub b: Builder,
    values: Vec<(Target, F)>,
}

/// The small-model config without zero knowledge and with few FRI queries: a dishonest
/// witness is refused by the constraint identity at the out-of-domain point, which neither
/// blinding nor the number of queries affects, so soundness tests need neither (and run
/// several times faster). Same wires and constants as production, so the same gates fit.
pub fn soundness_config() -> CircuitConfig {
    let mut c = crate::config::for_model(0);
    c.zero_knowledge = false;
    c.fri_config.num_query_rounds = 4;
    c.fri_config.proof_of_work_bits = 0;
    c.security_bits = c.fri_config.num_query_rounds * c.fri_config.rate_bits;
    c
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with_config(soundness_config())
    }

    pub fn with_config(config: CircuitConfig) -> Harness {
        Harness { b: Builder::new(config), values: Vec::new() }
    }

    /// A private input holding `v`.
    pub fn private(&mut self, v: i128) -> Target {
        let t = self.b.add_virtual_target();
        self.set(t, v);
        t
    }

    pub fn set(&mut self, t: Target, v: i128) {
        self.values.push((t, to_field(v)));
    }

    pub fn set_field(&mut self, t: Target, v: F) {
        self.values.push((t, v));
    }

    /// Give `t` (a value one of zkDx's gates would compute) the value `v` in advance: the
    /// gate's generator keeps it and everything downstream follows it, as for a dishonest
    /// prover; only the gate's constraints can refuse.
    pub fn tamper(&mut self, t: Target, v: F) {
        self.values.push((t, v));
    }

    pub fn public(&mut self, t: Target) {
        self.b.register_public_input(t);
    }

    /// Prove and verify; `Ok` only if both succeed.
    pub fn prove_and_verify(self) -> Result<Vec<F>, String> {
        let Harness { b, values } = self;
        let data = b.build::<C>();
        let result = zkdx_model::error::contained(|| {
            let mut pw = PartialWitness::new();
            for (t, v) in values {
                pw.set_target(t, v).map_err(|e| format!("witness: {e}"))?;
            }
            let proof = data.prove(pw).map_err(|e| format!("prove: {e}"))?;
            let public = proof.public_inputs.clone();
            data.verify(proof).map_err(|e| format!("verify: {e}"))?;
            Ok(public)
        });
        result.unwrap_or_else(|_| Err("the prover panicked on an inconsistent witness".into()))
    }
}

/// The honest witness proves and verifies.
pub fn accepts(h: Harness) -> Vec<F> {
    match h.prove_and_verify() {
        Ok(p) => p,
        Err(e) => panic!("an honest witness was refused: {e}"),
    }
}

/// The dishonest witness is refused, by the prover or the verifier.
pub fn rejects(h: Harness) {
    if let Ok(p) = h.prove_and_verify() {
        panic!("a dishonest witness proved and verified (public inputs {p:?})");
    }
}

#[allow(dead_code)]
pub fn one() -> F {
    F::ONE
}
