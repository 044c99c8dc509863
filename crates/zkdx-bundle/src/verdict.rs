//! The verdict on a bundle: VALID only if the proof verifies with the model's verifier
//! data, the proof's public values are this model's digest, and every readable claim in the
//! bundle (result, label, probabilities, commitment) is exactly what the proof proves.

use crate::format::{ProofBundle, ResultClaim, COMPACT_PROOF_SYSTEM};
use crate::make::result_claim;
use crate::signature::{check_signature, SignatureStatus};
use zkdx_circuit::compact::CompactCircuit;
use zkdx_circuit::{verify, ModelCircuit};
use zkdx_model::Model;

/// What a clinician reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Whether every check passed.
    pub valid: bool,
    /// Why not, if not.
    pub reason: Option<String>,
    /// The fingerprint of the device key that signed the bundle, if it was signed.
    pub signer: Option<String>,
}

impl Verdict {
    /// An INVALID verdict.
    pub fn invalid(reason: impl Into<String>) -> Verdict {
        Verdict { valid: false, reason: Some(reason.into()), signer: None }
    }
}

/// Check `bundle` against `model` and its circuit.
pub fn check_bundle(bundle: &ProofBundle, model: &Model, circuit: &ModelCircuit) -> Verdict {
    let signer = match check_signature(bundle) {
        SignatureStatus::Unsigned => None,
        SignatureStatus::Signed(fp) => Some(fp),
        SignatureStatus::Bad(why) => return Verdict::invalid(why),
    };
    let digest = model.digest.to_string();
    if bundle.model.digest != digest {
        return Verdict::invalid(format!(
            "the bundle is for model {} ({}), not for {} ({digest})",
            bundle.model.id, bundle.model.digest, model.id
        ));
    }
    let bytes = match bundle.proof_bytes() {
        Ok(b) => b,
        Err(e) => return Verdict::invalid(e.to_string()),
    };
    let checked = if bundle.proof.system == COMPACT_PROOF_SYSTEM {
        CompactCircuit::build(circuit).verify(&bytes)
    } else {
        verify(circuit, &bytes)
    };
    let public = match checked {
        Ok(p) => p,
        Err(e) => return Verdict::invalid(e.to_string()),
    };
    if public.digest_limbs != model.digest.limbs() {
        return Verdict::invalid("the proof was made for another model's digest");
    }
    match bundle.commitment() {
        Ok(c) if c == public.commitment => {}
        Ok(_) => return Verdict::invalid("the input commitment in the bundle is not the one the proof commits to"),
        Err(e) => return Verdict::invalid(e.to_string()),
    }
    let proven = result_claim(model, &public);
    let claimed = &bundle.result;
    if claimed.outputs != proven.outputs || claimed.label_index != proven.label_index || claimed.kind != proven.kind {
        return Verdict::invalid("the result in the bundle is not the result the proof proves");
    }
    if claimed.label != proven.label
        || claimed.output_names != proven.output_names
        || claimed.scale_bits != proven.scale_bits
    {
        return Verdict::invalid("the label or output names in the bundle do not match the model's");
    }
    let close = claimed.probabilities.len() == proven.probabilities.len()
        && claimed.probabilities.iter().zip(&proven.probabilities).all(|(a, b)| (a - b).abs() <= 1e-9);
    if !close {
        return Verdict::invalid("the probabilities in the bundle do not follow from the proven outputs");
    }
    // every other field (disclosure, percentages, rounded scores, resolution, unit) exactly
    if (ResultClaim { probabilities: proven.probabilities.clone(), ..claimed.clone() }) != proven {
        return Verdict::invalid("the result in the bundle is not the result the proof proves");
    }
    Verdict { valid: true, reason: None, signer }
}
