//! FHIR R4 out: a checked proof bundle becomes a FHIR R4 `Bundle` (type `collection`) that a
//! clinician's records system can file: a `DiagnosticReport`, the disclosed result as an
//! `Observation` (a coded label, or a score with its UCUM unit) and, where probabilities are
//! disclosed, a `RiskAssessment` with them as `probabilityDecimal`; a `Device` for the model
//! (name, version, zkDx digest, publisher) and one for zkDx, the verifier; a `Provenance`
//! naming the verdict; and the proof bundle itself as a `DocumentReference` attachment
//! (`application/json`), so that the receiver can verify it again.
//!
//! Only what the verdict vouches for is written: a bundle that is INVALID or could not be
//! checked is refused; a valid proof of an unapproved model is exported as `preliminary`,
//! saying so. No patient-identifying data is written: the `Patient` entry only links the
//! resources (the receiver attaches them to its own patient record). The bundle's stated
//! creation time is a claim, so it is not exported as a fact.

use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use zkdx_model::card::{local_system, Coding};
use zkdx_model::fhir::UCUM;
use zkdx_model::model::percent_text;
use zkdx_model::{Disclosure, Model};

use crate::format::ProofBundle;
use crate::make::disclosed_outcome;
use crate::verdict::{variant, what_it_does_not_prove, what_it_proves, Freshness, Verdict};

/// Why a bundle was not exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a bundle that is {headline} is not exported to FHIR ({reason})")]
pub struct NotExportable {
    /// The verdict's word.
    pub headline: &'static str,
    /// Its reason.
    pub reason: String,
}

/// What an export is made of: the bundle file's bytes (attached as they are), the bundle
/// read from them, the model it was checked against, the verdict and freshness.
pub struct Checked<'a> {
    /// The bundle file, attached unchanged.
    pub bytes: &'a [u8],
    /// The bundle.
    pub bundle: &'a ProofBundle,
    /// The model the proof was checked against.
    pub model: &'a Model,
    /// The verdict.
    pub verdict: &'a Verdict,
    /// Whether it answers the clinician's challenge.
    pub freshness: Option<&'a Freshness>,
}

/// The FHIR R4 Bundle for a bundle file checked by
/// [`crate::workflow::read_and_check_bundle_file`] (its bytes and verdict), issued at
/// `issued`; a bundle that is not VALID (or a valid proof of an unapproved model) is refused.
pub fn export_checked(bytes: &[u8], checked: &crate::workflow::Checked, issued: &str) -> Result<Value, NotExportable> {
    let refused = || NotExportable {
        headline: checked.verdict.headline(),
        reason: checked.verdict.reason().unwrap_or("unknown").to_string(),
    };
    let (Some(bundle), Some(model)) = (&checked.bundle, &checked.model) else {
        return Err(refused());
    };
    let input = Checked { bytes, bundle, model, verdict: &checked.verdict, freshness: checked.freshness.as_ref() };
    export(&input, issued)
}

/// A `urn:uuid:` for one resource of this export: derived from the bundle's bytes, the
/// export time and the resource's role, so an export is reproducible and ids never clash.
fn urn(seed: &[u8], issued: &str, role: &str) -> String {
    let h = Sha256::new().chain_update(seed).chain_update(issued.as_bytes()).chain_update(role.as_bytes()).finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // RFC 9562 version 8 (custom)
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
    let x = hex::encode(b);
    format!("urn:uuid:{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..])
}

fn coding(c: &Coding) -> Value {
    json!({"system": c.system, "code": c.code, "display": c.display})
}

fn label_coding(model_id: &str, label: &str) -> Value {
    json!({"system": local_system(model_id, "label"), "code": label, "display": label})
}

/// The FHIR R4 Bundle for a checked proof bundle, issued at `issued` (RFC 3339, the time of
/// this export).
pub fn export(checked: &Checked<'_>, issued: &str) -> Result<Value, NotExportable> {
    let (status, standing) = match checked.verdict {
        Verdict::Valid { publisher, .. } => (
            "final",
            format!("VALID: the proof verifies, and {} stands behind the model", publisher.as_deref().unwrap_or("a trusted publisher")),
        ),
        Verdict::Unapproved { reason, .. } => (
            "preliminary",
            format!("VALID PROOF, UNAPPROVED MODEL: the proof verifies, but no trusted publisher approves the model ({reason})"),
        ),
        other => {
            return Err(NotExportable {
                headline: other.headline(),
                reason: other.reason().unwrap_or("unknown").to_string(),
            })
        }
    };
    let (bundle, model) = (checked.bundle, checked.model);
    let card = model.card();
    let result_code = model.result_coding();
    let id = |role: &str| urn(checked.bytes, issued, role);
    let (patient, report, observation, risk, device, verifier, provenance, document) = (
        id("patient"),
        id("report"),
        id("observation"),
        id("risk"),
        id("device"),
        id("verifier"),
        id("provenance"),
        id("document"),
    );
    let outcome = disclosed_outcome(model, &bundle.result);
    let described = model.describe(&outcome);
    let disclosure = bundle.result.disclosure;
    let fresh = match checked.freshness {
        Some(Freshness::Fresh(c)) => format!(" It answers the clinician's challenge {c}."),
        _ => String::new(),
    };
    let proves = format!(
        "zkDx verified a zero-knowledge proof. Proved: {} Not proved: {}{fresh}",
        what_it_proves(bundle, model),
        what_it_does_not_prove(bundle)
    );
    let concept = json!({"coding": [coding(&result_code)], "text": result_code.display});
    let mut observation_resource = json!({
        "resourceType": "Observation",
        "status": status,
        "code": concept,
        "subject": {"reference": patient},
        "issued": issued,
        "device": {"reference": device},
        "method": {"text": format!("zkDx proof ({disclosure} disclosure: {})", disclosure.explain())},
        "note": [{"text": proves}],
    });
    let mut entries = vec![(patient.clone(), json!({"resourceType": "Patient"}))];
    let mut results = vec![json!({"reference": observation})];
    let mut targets = vec![json!({"reference": report}), json!({"reference": observation})];
    let mut conclusion_codes = Vec::new();
    match (outcome.label, bundle.result.label.as_deref()) {
        (Some(_), Some(label)) => {
            observation_resource["valueCodeableConcept"] =
                json!({"coding": [label_coding(model.id(), label)], "text": label});
            conclusion_codes.push(json!({"coding": [label_coding(model.id(), label)], "text": label}));
            if !outcome.probabilities.is_empty() {
                let predictions: Vec<Value> = bundle
                    .result
                    .output_names
                    .iter()
                    .zip(&outcome.probabilities)
                    .map(|(name, &p)| {
                        json!({
                            "outcome": {"coding": [label_coding(model.id(), name)], "text": name},
                            "probabilityDecimal": p,
                            "rationale": format!("{name}: {}", percent_text(p)),
                        })
                    })
                    .collect();
                entries.push((
                    risk.clone(),
                    json!({
                        "resourceType": "RiskAssessment",
                        "status": status,
                        "code": concept,
                        "subject": {"reference": patient},
                        "performer": {"reference": device},
                        "basis": [{"reference": observation}],
                        "prediction": predictions,
                        "note": [{"text": match disclosure {
                            Disclosure::Coarse => "Probabilities as proven: rounded to whole percent.",
                            _ => "Probabilities as proven: exact.",
                        }}],
                    }),
                ));
                results.push(json!({"reference": risk}));
                targets.push(json!({"reference": risk}));
            }
        }
        _ => {
            let output = card.and_then(|c| c.output.as_ref());
            match outcome.values.first() {
                Some(&v) => {
                    let mut q = json!({"value": v, "unit": output.map_or("", |o| o.unit.as_str())});
                    if let Some(code) = output.and_then(|o| o.ucum.as_deref()) {
                        q["system"] = UCUM.into();
                        q["code"] = code.into();
                    }
                    observation_resource["valueQuantity"] = q;
                }
                None => {
                    observation_resource["dataAbsentReason"] = json!({"text": "not disclosed by the proof"});
                }
            }
        }
    }
    entries.push((observation.clone(), observation_resource));
    let mut report_resource = json!({
        "resourceType": "DiagnosticReport",
        "status": status,
        "code": concept,
        "subject": {"reference": patient},
        "issued": issued,
        "result": results,
        "conclusion": format!("{described}. {standing}. {proves}"),
    });
    if !conclusion_codes.is_empty() {
        report_resource["conclusionCode"] = Value::Array(conclusion_codes);
    }
    entries.push((report.clone(), report_resource));
    let mut device_resource = json!({
        "resourceType": "Device",
        "identifier": [{"system": "urn:zkdx:model-digest", "value": bundle.model.digest}],
        "deviceName": [{"name": model.name(), "type": "model-name"}],
        "version": [{"value": model.version()}],
        "type": {"text": "diagnostic model (ONNX), proved with zkDx"},
    });
    if let Some(publisher) = checked.verdict.publisher() {
        device_resource["manufacturer"] = publisher.into();
    }
    entries.push((device.clone(), device_resource));
    entries.push((
        verifier.clone(),
        json!({
            "resourceType": "Device",
            "deviceName": [{"name": "zkDx", "type": "user-friendly-name"}],
            "version": [{"value": env!("CARGO_PKG_VERSION")}],
            "type": {"text": "zero-knowledge proof verifier"},
        }),
    ));
    let verdict_code = match checked.verdict {
        Verdict::Valid { .. } => "valid",
        _ => "unapproved",
    };
    entries.push((
        provenance.clone(),
        json!({
            "resourceType": "Provenance",
            "target": targets,
            "recorded": issued,
            "activity": {
                "coding": [{"system": "urn:zkdx:verdict", "code": verdict_code, "display": checked.verdict.headline()}],
                "text": format!("zkDx verification: {standing}"),
            },
            "reason": [{"text": proves}],
            "agent": [
                {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                                      "code": "performer", "display": "Performer"}]},
                 "who": {"reference": device}},
                {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                                      "code": "verifier", "display": "Verifier"}]},
                 "who": {"reference": verifier}},
            ],
            "entity": [{"role": "source", "what": {"reference": document}}],
        }),
    ));
    let assurance = variant(bundle).assurance;
    entries.push((
        document,
        json!({
            "resourceType": "DocumentReference",
            "status": "current",
            "type": {"text": "zkDx proof bundle"},
            "date": issued,
            "description": format!(
                "The zkDx proof bundle ({assurance} assurance) this report was verified from; verify it again with \
                 `zkdx verify`"
            ),
            "content": [{"attachment": {
                "contentType": "application/json",
                "data": base64::engine::general_purpose::STANDARD.encode(checked.bytes),
                "size": checked.bytes.len(),
                "title": format!("{}.zkdx.json", bundle.model.id),
            }}],
            "context": {"related": [{"reference": report}]},
        }),
    ));
    let entry: Vec<Value> =
        entries.into_iter().map(|(full_url, resource)| json!({"fullUrl": full_url, "resource": resource})).collect();
    Ok(json!({
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": id("bundle")},
        "type": "collection",
        "timestamp": issued,
        "entry": entry,
    }))
}

/// The proof bundle attached to a FHIR export (the first `DocumentReference` whose
/// attachment is a zkDx bundle), for the receiver to verify again.
pub fn attached_bundle(fhir: &Value) -> Option<Vec<u8>> {
    fhir.get("entry")?.as_array()?.iter().find_map(|e| {
        let r = e.get("resource")?;
        if r.get("resourceType")?.as_str()? != "DocumentReference" {
            return None;
        }
        let data = r.get("content")?.get(0)?.get("attachment")?.get("data")?.as_str()?;
        base64::engine::general_purpose::STANDARD.decode(data).ok()
    })
}
