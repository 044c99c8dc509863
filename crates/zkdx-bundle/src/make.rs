//! Making a bundle from a proof.

use base64::Engine;

use crate::format::{
    format_commitment, ModelRef, ProofBundle, ProofData, ResultClaim, FORMAT, FORMAT_VERSION, PROOF_SYSTEM,
};
use zkdx_circuit::Proof;
use zkdx_model::Model;

/// The readable result of proven outputs of `model`.
pub fn result_claim(model: &Model, outputs: &[i64], label: Option<usize>) -> ResultClaim {
    let outcome = model.interpret(outputs);
    let names = model.graph.outputs.clone();
    let unit = model.card.as_ref().and_then(|c| c.output.as_ref()).map(|o| o.unit.clone());
    match label {
        Some(index) => ResultClaim {
            kind: "classification".into(),
            label: names.get(index).cloned(),
            label_index: Some(index),
            probabilities: outcome.probabilities,
            outputs: outputs.to_vec(),
            scale_bits: model.graph.scale_bits,
            output_names: names,
            unit: None,
        },
        None => ResultClaim {
            kind: "regression".into(),
            label: None,
            label_index: None,
            probabilities: Vec::new(),
            outputs: outputs.to_vec(),
            scale_bits: model.graph.scale_bits,
            output_names: names,
            unit,
        },
    }
}

/// A bundle for `proof` of `model`, made at `created_at` (RFC 3339).
pub fn make_bundle(model: &Model, proof: &Proof, created_at: String) -> ProofBundle {
    ProofBundle {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        zkdx_version: env!("CARGO_PKG_VERSION").into(),
        created_at,
        model: ModelRef {
            id: model.id.clone(),
            name: model.name().into(),
            version: model.version().into(),
            digest: model.digest.to_string(),
        },
        result: result_claim(model, &proof.public.outputs, proof.public.label),
        input_commitment: format_commitment(&proof.public.commitment),
        proof: ProofData {
            system: PROOF_SYSTEM.into(),
            data: base64::engine::general_purpose::STANDARD.encode(&proof.bytes),
        },
        signature: None,
    }
}

/// Now, as RFC 3339 UTC (seconds).
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
