//! Making a bundle from a proof.

use base64::Engine;

use crate::format::{ModelRef, ProofBundle, ProofData, ResultClaim, FORMAT, FORMAT_VERSION, PROOF_SYSTEM};
use zkdx_circuit::{Proof, PublicValues};
use zkdx_model::model::Outcome;
use zkdx_model::{Disclosure, Model};

/// The readable result of a proof's public values for `model`.
pub fn result_claim(model: &Model, public: &PublicValues) -> ResultClaim {
    let names = model.graph().outputs.clone();
    let unit = model.card().and_then(|c| c.output.as_ref()).map(|o| o.unit.clone());
    let disclosure = public.disclosure;
    let probabilities = match disclosure {
        Disclosure::Exact if public.label.is_some() => model.interpret(&public.outputs).probabilities,
        Disclosure::Coarse => public.percentages.iter().map(|&p| f64::from(p) / 100.0).collect(),
        _ => Vec::new(),
    };
    let claim = ResultClaim {
        kind: "classification".into(),
        disclosure,
        label: None,
        label_index: None,
        probabilities,
        outputs: public.outputs.clone(),
        percentages: public.percentages.clone(),
        rounded: public.rounded.clone(),
        resolution: None,
        scale_bits: model.graph().scale_bits,
        output_names: names.clone(),
        unit: None,
    };
    match public.label {
        Some(index) => ResultClaim { label: names.get(index).cloned(), label_index: Some(index), ..claim },
        None => ResultClaim {
            kind: "regression".into(),
            resolution: (disclosure == Disclosure::Coarse).then(|| model.score_resolution()),
            unit,
            ..claim
        },
    }
}

/// What a bundle's result says, as an [`Outcome`] to show: the label and probabilities
/// disclosed, and the scores (exact, or rounded to the resolution); nothing undisclosed.
pub fn disclosed_outcome(model: &Model, result: &ResultClaim) -> Outcome {
    let values = match (result.disclosure, result.resolution) {
        (Disclosure::Exact, _) => model.interpret(&result.outputs).values,
        (Disclosure::Coarse, Some(step)) => result.rounded.iter().map(|&r| r as f64 * step).collect(),
        _ => Vec::new(),
    };
    Outcome { values, label: result.label_index, probabilities: result.probabilities.clone() }
}

/// A bundle for `proof` of `model`, made at `created_at` (RFC 3339).
pub fn make_bundle(model: &Model, proof: &Proof, created_at: String) -> ProofBundle {
    ProofBundle {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        zkdx_version: env!("CARGO_PKG_VERSION").into(),
        created_at,
        model: ModelRef {
            id: model.id().to_string(),
            name: model.name().into(),
            version: model.version().into(),
            digest: model.digest().to_string(),
        },
        result: result_claim(model, &proof.public),
        input_commitment: proof.public.commitment.to_string(),
        challenge: proof.public.challenge.map(|c| c.to_string()),
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
