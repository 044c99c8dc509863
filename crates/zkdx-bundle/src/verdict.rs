//! The verdict on a bundle: VALID only if the proof verifies with the model's verifier
//! data, the proof's public values are this model's digest, and every readable claim in the
//! bundle (result, label, probabilities, commitment) is exactly what the proof proves.

use crate::format::{ProofBundle, ResultClaim};
use crate::make::result_claim;
use crate::signature::{check_signature, SignatureStatus};
use zkdx_circuit::compact::CompactCircuit;
use zkdx_circuit::{
    verify, Assurance, Challenge, CircuitError, ModelCircuit, ModelVerifier, ProofKind, PublicValues, Variant,
};
use zkdx_model::Model;

/// What a clinician reads: one outcome, each with its own exit code, so that a forgery and a
/// file that could not be checked are never confused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The proof verifies against the model, every readable claim in the bundle is what it
    /// proves, and (from [`crate::workflow::check_bundle_bytes`]) the trust list approves
    /// the model.
    Valid {
        /// The fingerprint of the device key that signed the bundle, if it was signed.
        signer: Option<String>,
        /// Who stands behind the model (the trust list's name); `None` from
        /// [`check_bundle`], which does not consult a trust list.
        publisher: Option<String>,
    },
    /// The proof is valid, but the model is not approved: no trusted publisher's
    /// endorsement pins it and the trust list does not list it, or it was revoked. Never
    /// to be read as VALID: anyone can make a model and prove with it.
    Unapproved {
        /// Why the model is not approved.
        reason: String,
        /// The fingerprint of the device key that signed the bundle, if it was signed.
        signer: Option<String>,
    },
    /// The bundle contradicts its proof, its proof does not verify, or it is damaged: a
    /// forgery or a corrupted bundle. Nothing in it should be relied on.
    Invalid {
        /// What failed.
        reason: String,
    },
    /// The bundle could not be checked: the file is missing, unreadable, not a zkDx bundle
    /// or of an unsupported version, or its model cannot be found or read. Says nothing
    /// about forgery; fix the cause and check again.
    CannotCheck {
        /// What could not be read, and what to do.
        reason: String,
    },
}

impl Verdict {
    /// An INVALID verdict.
    pub fn invalid(reason: impl Into<String>) -> Verdict {
        Verdict::Invalid { reason: reason.into() }
    }

    /// A CANNOT CHECK verdict.
    pub fn cannot_check(reason: impl Into<String>) -> Verdict {
        Verdict::CannotCheck { reason: reason.into() }
    }

    /// Whether every check passed.
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }

    /// Why the verdict is not VALID.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Valid { .. } => None,
            Verdict::Invalid { reason } | Verdict::CannotCheck { reason } | Verdict::Unapproved { reason, .. } => {
                Some(reason)
            }
        }
    }

    /// The device key fingerprint of a signed bundle whose proof is valid.
    pub fn signer(&self) -> Option<&str> {
        match self {
            Verdict::Valid { signer, .. } | Verdict::Unapproved { signer, .. } => signer.as_deref(),
            _ => None,
        }
    }

    /// Who stands behind the model of a VALID bundle.
    pub fn publisher(&self) -> Option<&str> {
        match self {
            Verdict::Valid { publisher, .. } => publisher.as_deref(),
            _ => None,
        }
    }

    /// The verdict's word, as the CLI prints it and the app shows it.
    pub fn headline(&self) -> &'static str {
        match self {
            Verdict::Valid { .. } => "VALID",
            Verdict::Unapproved { .. } => "VALID PROOF, UNAPPROVED MODEL",
            Verdict::Invalid { .. } => "INVALID",
            Verdict::CannotCheck { .. } => "CANNOT CHECK",
        }
    }

    /// The `zkdx verify` exit status: 0 VALID, 1 INVALID, 2 CANNOT CHECK, 3 VALID PROOF,
    /// UNAPPROVED MODEL.
    pub fn exit_code(&self) -> u8 {
        match self {
            Verdict::Valid { .. } => 0,
            Verdict::Invalid { .. } => 1,
            Verdict::CannotCheck { .. } => 2,
            Verdict::Unapproved { .. } => 3,
        }
    }
}

/// What a valid proof proves, in words for a clinician (the verdict screen, the printed
/// report and the FHIR export say the same).
pub fn what_it_proves(bundle: &ProofBundle, model: &Model) -> String {
    format!(
        "The model {} (version {}, digest {}) gave this result on values the patient holds; the values are \
         committed ({}) and were not shared.",
        model.name(),
        model.version(),
        bundle.model.digest,
        bundle.input_commitment
    )
}

/// What a valid proof does not prove.
pub fn what_it_does_not_prove(bundle: &ProofBundle) -> String {
    format!(
        "That the values are the patient's true values; when the bundle was made (it states {}, a claim); who the \
         patient is. Decision support, not a diagnosis.",
        bundle.created_at
    )
}

/// What a bundle claims, as label and value, for showing beside a verdict that does not
/// vouch for it (marked unverified there): its model, its result, when it was made.
pub fn claims(bundle: &ProofBundle) -> Vec<(&'static str, String)> {
    let result = match (&bundle.result.label, bundle.result.output_names.first()) {
        (Some(label), _) => label.clone(),
        (None, Some(name)) => format!("a {name} score"),
        (None, None) => "a score".into(),
    };
    vec![
        ("Model", format!("{} (version {}, {})", bundle.model.name, bundle.model.version, bundle.model.digest)),
        ("Result", result),
        ("Made", bundle.created_at.clone()),
    ]
}

/// Whether a bundle answers the clinician's freshness challenge. A bundle that answers
/// another challenge than the one given is INVALID (it was made for another request, or
/// replayed), so this only describes bundles whose proof is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// No challenge was given to compare with; the proof answers `answers`, if anything.
    NotAsked {
        /// The challenge the proof answers (proven, but not compared with one you issued).
        answers: Option<Challenge>,
    },
    /// The proof answers the challenge that was given.
    Fresh(Challenge),
}

impl Freshness {
    /// What a clinician reads about it.
    pub fn describe(&self) -> String {
        match self {
            Freshness::Fresh(c) => format!("yes: the proof answers your challenge {c}"),
            Freshness::NotAsked { answers: Some(c) } => format!(
                "the proof answers challenge {c}; give the code you issued to check it is yours (a replay answers \
                 another)"
            ),
            Freshness::NotAsked { answers: None } => "not bound to a challenge: it may be an older bundle or one made \
                 for another request (issue a challenge before the patient proves to rule that out)"
                .into(),
        }
    }
}

/// The freshness of a bundle whose proof is valid, against the `expected` challenge: an
/// error (the reason it is INVALID) when it answers another one, or none.
pub fn freshness(bundle: &ProofBundle, expected: Option<&Challenge>) -> Result<Freshness, String> {
    let answers = bundle.challenge().map_err(|e| e.to_string())?;
    match (expected, answers) {
        (None, answers) => Ok(Freshness::NotAsked { answers }),
        (Some(e), Some(a)) if *e == a => Ok(Freshness::Fresh(a)),
        (Some(e), Some(a)) => Err(format!(
            "the proof answers challenge {a}, not yours ({e}): it was made for another request, or replayed; \
             ask the patient for a new proof answering {e}"
        )),
        (Some(e), None) => Err(format!(
            "the proof answers no challenge, not yours ({e}): it may have been made before your request; ask the \
             patient for a new proof answering {e}"
        )),
    }
}

/// Check `bundle` against `model` and its circuit.
pub fn check_bundle(bundle: &ProofBundle, model: &Model, circuit: &ModelCircuit) -> Verdict {
    check_bundle_with(bundle, model, |bytes| match proof_kind(bundle) {
        ProofKind::Compact => CompactCircuit::build(circuit).verify(bytes),
        ProofKind::Plain => verify(circuit, bytes),
    })
}

/// Check `bundle` against `model` with its verifier alone (a cached one, already checked
/// against a trusted pin by the caller) of the bundle's proof kind; CANNOT CHECK when the
/// kinds differ (the caller then builds the circuit).
pub fn check_bundle_with_verifier(bundle: &ProofBundle, model: &Model, verifier: &ModelVerifier) -> Verdict {
    if proof_kind(bundle) != verifier.kind() {
        return Verdict::cannot_check("this verifier checks another kind of proof (plain or compact)");
    }
    check_bundle_with(bundle, model, |bytes| verifier.verify(bytes))
}

/// The kind of proof a bundle says it holds (a bundle that was read has a known system).
pub fn proof_kind(bundle: &ProofBundle) -> ProofKind {
    bundle.proof.profile().map_or(ProofKind::Plain, |(kind, _)| kind)
}

/// The circuit variant a bundle says its proof is of: its disclosure and assurance.
pub fn variant(bundle: &ProofBundle) -> Variant {
    let assurance = bundle.proof.profile().map_or(Assurance::Standard, |(_, a)| a);
    Variant { disclosure: bundle.result.disclosure, assurance }
}

/// Every check of [`check_bundle`], with `verify_proof` checking the proof bytes.
fn check_bundle_with(
    bundle: &ProofBundle,
    model: &Model,
    verify_proof: impl FnOnce(&[u8]) -> Result<PublicValues, CircuitError>,
) -> Verdict {
    let signer = match check_signature(bundle) {
        SignatureStatus::Unsigned => None,
        SignatureStatus::Signed(fp) => Some(fp),
        SignatureStatus::Bad(why) => return Verdict::invalid(why),
    };
    let digest = model.digest().to_string();
    if bundle.model.digest != digest {
        return Verdict::invalid(format!(
            "the bundle is for model {} ({}), not for {} ({digest})",
            bundle.model.id,
            bundle.model.digest,
            model.id()
        ));
    }
    // What is shown next to a verdict comes from the model, never from the bundle; a bundle
    // whose own model fields say otherwise was edited.
    if bundle.model.id != model.id() || bundle.model.name != model.name() || bundle.model.version != model.version() {
        return Verdict::invalid(format!(
            "the bundle calls its model `{}` ({}, version {}), but the model with its digest is `{}` ({}, version {})",
            bundle.model.id,
            bundle.model.name,
            bundle.model.version,
            model.id(),
            model.name(),
            model.version()
        ));
    }
    let bytes = match bundle.proof_bytes() {
        Ok(b) => b,
        Err(e) => return Verdict::invalid(e.to_string()),
    };
    let public = match verify_proof(&bytes) {
        Ok(p) => p,
        Err(e) => return Verdict::invalid(e.to_string()),
    };
    if public.digest_limbs != model.digest().limbs() {
        return Verdict::invalid("the proof was made for another model's digest");
    }
    match bundle.commitment() {
        Ok(c) if c == public.commitment => {}
        Ok(_) => return Verdict::invalid("the input commitment in the bundle is not the one the proof commits to"),
        Err(e) => return Verdict::invalid(e.to_string()),
    }
    match bundle.challenge() {
        Ok(c) if c == public.challenge => {}
        Ok(_) => return Verdict::invalid("the challenge in the bundle is not the one the proof answers"),
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
    Verdict::Valid { signer, publisher: None }
}
