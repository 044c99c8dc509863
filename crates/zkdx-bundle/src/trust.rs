//! Who stands behind a model: a publisher's signed endorsement of a model (its digest, its
//! card's bytes and the verifier-data fingerprint of each disclosure it can be proved with),
//! and the trust list that says which publishers, and which model digests, a verifier
//! accepts and which digests are revoked.
//!
//! An endorsement lives beside the model as `<id>.endorsement.json`; the trust list is a
//! JSON file (`models/trust.json` by default, an institution's own with `--trust`). A model
//! is approved when its digest is not revoked and either a trusted publisher's endorsement
//! pins exactly this model, card and circuit, or the trust list names its digest. The name
//! shown for the publisher is the trust list's, never the endorsement's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use zkdx_circuit::compact::CompactCircuit;
use zkdx_circuit::{Assurance, ModelCircuit, ModelVerifier, Variant};
use zkdx_model::io::ReadError;
use zkdx_model::{Disclosure, Model};

/// The `format` of an endorsement file.
pub const ENDORSEMENT_FORMAT: &str = "zkdx-model-endorsement";
/// The `format` of a trust list.
pub const TRUST_FORMAT: &str = "zkdx-trust-list";
/// Largest endorsement or trust list read.
const MAX_BYTES: u64 = 1 << 20;
/// What a publisher's signature covers, before the endorsement's fields.
const DOMAIN: &[u8] = b"zkdx model endorsement v1\0";

/// Why an endorsement or a trust list cannot be used.
#[derive(Debug, Error)]
pub enum TrustError {
    /// The file could not be read.
    #[error("cannot read {path}: {detail}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// The file is not of the expected format.
    #[error("{path} is not a zkDx {what}: {detail}")]
    Format {
        /// The file.
        path: String,
        /// Endorsement or trust list.
        what: &'static str,
        /// Why.
        detail: String,
    },
    /// Signing failed.
    #[error("cannot sign: {0}")]
    Sign(String),
}

/// A publisher's signed statement that a model (digest, card and circuits) is theirs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endorsement {
    /// Always [`ENDORSEMENT_FORMAT`].
    pub format: String,
    /// 1.
    pub format_version: u32,
    /// The model's id.
    pub model_id: String,
    /// The model's zkDx digest, `sha256:…`.
    pub model_digest: String,
    /// SHA-256 of the model card file's bytes, hex.
    pub card_sha256: String,
    /// The verifier-data fingerprint of the circuit for each disclosure the model offers.
    pub verifier_fingerprints: BTreeMap<String, String>,
    /// SHA-256 of each disclosure's serialised verifier (`ModelVerifier::to_bytes`), hex:
    /// what lets a verifier use a cached verifier without rebuilding the circuit.
    pub verifier_sha256: BTreeMap<String, String>,
    /// SHA-256 of each disclosure's compact verifier (`CompactCircuit::verifier`), when the
    /// publisher signed with `--compact`: what lets a compact bundle verify from the cache.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub compact_verifier_sha256: BTreeMap<String, String>,
    /// The publisher's public key (Ed25519), hex.
    pub publisher_key: String,
    /// When it was signed (RFC 3339), as the publisher states.
    pub signed_at: String,
    /// The signature over everything above, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl Endorsement {
    fn signed_bytes(&self) -> Vec<u8> {
        let unsigned = Endorsement { signature: None, ..self.clone() };
        let mut bytes = DOMAIN.to_vec();
        // field order is the struct's and the map is sorted, so the bytes are canonical
        bytes.extend(crate::format::plain_json(&unsigned, false));
        bytes
    }

    /// The endorsement file beside `model`: `<id>.endorsement.json`.
    pub fn path_for(model: &Model) -> PathBuf {
        model.path().with_extension("endorsement.json")
    }

    /// Read an endorsement file.
    pub fn load(path: &Path) -> Result<Endorsement, TrustError> {
        let e: Endorsement = read_json(path, "model endorsement")?;
        if e.format != ENDORSEMENT_FORMAT || e.format_version != 1 {
            return Err(TrustError::Format {
                path: path.display().to_string(),
                what: "model endorsement",
                detail: format!("format `{}` version {}", e.format, e.format_version),
            });
        }
        Ok(e)
    }

    /// Sign `model` (with its card file) as the holder of `key`: builds the model's circuit
    /// for every disclosure it offers and pins their fingerprints.
    pub fn sign(model: &Model, key: &SigningKey, signed_at: String) -> Result<Endorsement, TrustError> {
        Endorsement::sign_with(model, key, signed_at, false)
    }

    /// [`Endorsement::sign`], also pinning each disclosure's compact verifier when `compact`
    /// (builds the recursive wrappers: tens of seconds per disclosure).
    pub fn sign_with(
        model: &Model,
        key: &SigningKey,
        signed_at: String,
        compact: bool,
    ) -> Result<Endorsement, TrustError> {
        let card = card_sha256(model).map_err(TrustError::Sign)?;
        let mut verifier_fingerprints = BTreeMap::new();
        let mut verifier_sha256 = BTreeMap::new();
        let mut compact_verifier_sha256 = BTreeMap::new();
        let sha = |v: &ModelVerifier| -> Result<String, TrustError> {
            let bytes = v.to_bytes().map_err(|e| TrustError::Sign(e.to_string()))?;
            Ok(hex::encode(Sha256::digest(&bytes)))
        };
        for disclosure in [Disclosure::Label, Disclosure::Coarse, Disclosure::Exact] {
            for assurance in Assurance::ALL {
                // a variant the model cannot have (a label of a score, high assurance of a
                // circuit too large for it) is not pinned
                let Ok(circuit) = ModelCircuit::build_with(model, Variant { disclosure, assurance }) else { continue };
                let key = circuit.variant().key();
                verifier_fingerprints.insert(key.clone(), circuit.verifier_fingerprint());
                verifier_sha256.insert(key.clone(), sha(&ModelVerifier::of(&circuit))?);
                if compact && assurance == Assurance::Standard {
                    let wrapper =
                        CompactCircuit::build(&circuit).verifier().map_err(|e| TrustError::Sign(e.to_string()))?;
                    compact_verifier_sha256.insert(key, sha(&wrapper)?);
                }
            }
        }
        let mut e = Endorsement {
            format: ENDORSEMENT_FORMAT.into(),
            format_version: 1,
            model_id: model.id().to_string(),
            model_digest: model.digest().to_string(),
            card_sha256: card,
            verifier_fingerprints,
            verifier_sha256,
            compact_verifier_sha256,
            publisher_key: hex::encode(key.verifying_key().as_bytes()),
            signed_at,
            signature: None,
        };
        e.signature = Some(hex::encode(key.sign(&e.signed_bytes()).to_bytes()));
        Ok(e)
    }

    /// Whether the signature is the publisher key's over this endorsement.
    fn signature_holds(&self) -> Result<(), String> {
        let key = hex::decode(&self.publisher_key)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
            .ok_or("its publisher key is not an Ed25519 public key")?;
        let sig = self
            .signature
            .as_deref()
            .and_then(|s| hex::decode(s).ok())
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
            .ok_or("it has no 64-byte signature")?;
        key.verify(&self.signed_bytes(), &sig).map_err(|_| "its signature does not match its contents".to_string())
    }
}

/// SHA-256 of the card file beside `model`, hex.
fn card_sha256(model: &Model) -> Result<String, String> {
    let path = model.path().with_extension("json");
    let bytes = zkdx_model::io::read_limited(&path, zkdx_model::card::MAX_CARD_BYTES)
        .map_err(|e| format!("the model card {} cannot be read: {e}", path.display()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &'static str) -> Result<T, TrustError> {
    let read = |detail: String| TrustError::Read { path: path.display().to_string(), detail };
    let bytes = zkdx_model::io::read_limited(path, MAX_BYTES).map_err(|e| match e {
        ReadError::TooLarge { size, .. } => read(format!("{size} bytes, more than any {what}")),
        ReadError::Io(e) => read(e.to_string()),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| TrustError::Format {
        path: path.display().to_string(),
        what,
        detail: e.to_string(),
    })
}

/// A publisher a verifier trusts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedPublisher {
    /// Who it is, as the verifier's institution names it.
    pub name: String,
    /// Its Ed25519 public key, hex.
    pub key: String,
    /// Since when (a date).
    pub added: String,
}

/// A model digest approved directly, without an endorsement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovedModel {
    /// The model's zkDx digest.
    pub digest: String,
    /// What it is.
    pub name: String,
    /// Since when.
    pub added: String,
}

/// A model digest no longer accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokedModel {
    /// The model's zkDx digest.
    pub digest: String,
    /// What it was.
    pub name: String,
    /// Since when.
    pub revoked: String,
    /// Why.
    pub reason: String,
}

/// Which publishers and model digests a verifier accepts (`docs/trust-list.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustList {
    /// Always [`TRUST_FORMAT`].
    pub format: String,
    /// 1.
    pub format_version: u32,
    /// Trusted publishers.
    #[serde(default)]
    pub publishers: Vec<TrustedPublisher>,
    /// Digests approved without an endorsement.
    #[serde(default)]
    pub approved: Vec<ApprovedModel>,
    /// Revoked digests (they win over everything else).
    #[serde(default)]
    pub revoked: Vec<RevokedModel>,
}

impl TrustList {
    /// Read a trust list.
    pub fn load(path: &Path) -> Result<TrustList, TrustError> {
        let t: TrustList = read_json(path, "trust list")?;
        if t.format != TRUST_FORMAT || t.format_version != 1 {
            return Err(TrustError::Format {
                path: path.display().to_string(),
                what: "trust list",
                detail: format!("format `{}` version {}", t.format, t.format_version),
            });
        }
        Ok(t)
    }

    /// The default trust list in a models folder: `<models>/trust.json`.
    pub fn default_path(models_dir: &Path) -> PathBuf {
        models_dir.join("trust.json")
    }
}

/// Whether a verifier may rely on a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approval {
    /// Approved: by this publisher (the trust list's name for it), or listed by digest.
    Approved {
        /// Who stands behind the model.
        publisher: String,
    },
    /// Not approved, and why.
    Unapproved(String),
}

/// What a trusted endorsement pins for one disclosure of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The publisher (the trust list's name).
    pub publisher: String,
    /// The verifier-data fingerprint.
    pub fingerprint: String,
    /// SHA-256 of the serialised verifier, hex.
    pub verifier_sha256: String,
    /// SHA-256 of the serialised compact verifier, if the endorsement pins one.
    pub compact_verifier_sha256: Option<String>,
}

/// What a trusted publisher's endorsement pins for `model` with `disclosure`: `None` when
/// the digest is revoked or no valid endorsement by a trusted publisher covers this model,
/// card and disclosure. Needs no circuit, so a verifier can use a cached one.
pub fn trusted_pin(model: &Model, variant: Variant, trust: &TrustList) -> Option<Pin> {
    let digest = model.digest().to_string();
    if trust.revoked.iter().any(|r| r.digest == digest) {
        return None;
    }
    let e = Endorsement::load(&Endorsement::path_for(model)).ok()?;
    let key = variant.key();
    let fingerprint = e.verifier_fingerprints.get(&key)?.clone();
    let publisher = endorsed_by(&e, model, &fingerprint, variant, trust).ok()?;
    let verifier_sha256 = e.verifier_sha256.get(&key)?.clone();
    let compact_verifier_sha256 = e.compact_verifier_sha256.get(&key).cloned();
    Some(Pin { publisher, fingerprint, verifier_sha256, compact_verifier_sha256 })
}

/// Whether `trust` approves `model` whose `disclosure` circuit has verifier-data
/// `fingerprint` (as built or as cached under a pin).
pub fn approval(model: &Model, fingerprint: &str, variant: Variant, trust: &TrustList) -> Approval {
    let digest = model.digest().to_string();
    if let Some(r) = trust.revoked.iter().find(|r| r.digest == digest) {
        return Approval::Unapproved(format!("model {} was revoked on {}: {}", r.name, r.revoked, r.reason));
    }
    let path = Endorsement::path_for(model);
    let endorsed = if path.exists() {
        match Endorsement::load(&path) {
            Ok(e) => endorsed_by(&e, model, fingerprint, variant, trust),
            Err(e) => Err(e.to_string()),
        }
    } else {
        Err("the model has no signed endorsement".to_string())
    };
    match endorsed {
        Ok(publisher) => Approval::Approved { publisher },
        Err(why) => match trust.approved.iter().find(|a| a.digest == digest) {
            Some(a) => Approval::Approved { publisher: format!("the trust list (as {})", a.name) },
            None => Approval::Unapproved(format!("{why}, and the trust list does not list its digest")),
        },
    }
}

fn endorsed_by(
    e: &Endorsement,
    model: &Model,
    fingerprint: &str,
    variant: Variant,
    trust: &TrustList,
) -> Result<String, String> {
    e.signature_holds().map_err(|why| format!("the endorsement is not valid: {why}"))?;
    let publisher = trust
        .publishers
        .iter()
        .find(|p| p.key.eq_ignore_ascii_case(&e.publisher_key))
        .ok_or_else(|| format!("the endorsement's publisher key {} is not a trusted publisher", e.publisher_key))?;
    if e.model_digest != model.digest().to_string() || e.model_id != model.id() {
        return Err(format!("the endorsement is for model {} ({}), not this one", e.model_id, e.model_digest));
    }
    if card_sha256(model)? != e.card_sha256 {
        return Err("the model card was changed after it was signed".to_string());
    }
    match e.verifier_fingerprints.get(&variant.key()) {
        Some(f) if f == fingerprint => Ok(publisher.name.clone()),
        Some(_) => Err(format!(
            "the {variant} circuit is not the one the publisher signed (another zkDx version builds a different circuit)"
        )),
        None => Err(format!("the publisher did not sign a {variant} circuit")),
    }
}

/// A new publisher key: `(secret, public)`, both hex. The secret belongs in an owner-only
/// file (the CLI writes it with [`zkdx_model::io::write_secret`]), never in a repository.
pub fn new_publisher_key() -> (String, String) {
    use rand::RngCore;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let key = SigningKey::from_bytes(&seed);
    (hex::encode(seed), hex::encode(key.verifying_key().as_bytes()))
}

/// The signing key in a secret file's text (64 hex digits).
pub fn publisher_key_from_hex(text: &str) -> Result<SigningKey, TrustError> {
    hex::decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .map(|b| SigningKey::from_bytes(&b))
        .ok_or_else(|| TrustError::Sign("the secret key file does not hold 64 hex digits".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/diabetes-progression.onnx");
        Model::load(&root).unwrap_or_else(|e| panic!("{e}"))
    }

    fn list(publishers: Vec<TrustedPublisher>) -> TrustList {
        TrustList { format: TRUST_FORMAT.into(), format_version: 1, publishers, approved: vec![], revoked: vec![] }
    }

    #[test]
    fn an_endorsement_holds_only_for_its_publisher_model_card_and_circuit() {
        let m = model();
        let (secret, public) = new_publisher_key();
        let key = publisher_key_from_hex(&secret).unwrap_or_else(|e| panic!("{e}"));
        let e = Endorsement::sign(&m, &key, "2026-11-26T00:00:00Z".into()).unwrap_or_else(|e| panic!("{e}"));
        let circuit = ModelCircuit::build(&m, Disclosure::Coarse).unwrap_or_else(|e| panic!("{e}"));
        let trusted =
            list(vec![TrustedPublisher { name: "Test publisher".into(), key: public, added: "2026-11-26".into() }]);
        let fp = circuit.verifier_fingerprint();
        assert_eq!(endorsed_by(&e, &m, &fp, Disclosure::Coarse.into(), &trusted), Ok("Test publisher".into()));
        // an untrusted key, an edited field, another circuit
        assert!(endorsed_by(&e, &m, &fp, Disclosure::Coarse.into(), &list(vec![])).is_err());
        let edited = Endorsement { model_id: "breast-cancer".into(), ..e.clone() };
        assert!(endorsed_by(&edited, &m, &fp, Disclosure::Coarse.into(), &trusted).unwrap_err().contains("signature"));
        let exact = ModelCircuit::build(&m, Disclosure::Exact).unwrap_or_else(|e| panic!("{e}"));
        let exact_fp = exact.verifier_fingerprint();
        assert!(endorsed_by(&e, &m, &exact_fp, Disclosure::Coarse.into(), &trusted)
            .unwrap_err()
            .contains("not the one"));
        // the serialised verifier is deterministic, round-trips, and is what the pin signs
        let bytes = ModelVerifier::of(&circuit).to_bytes().unwrap_or_else(|e| panic!("{e}"));
        let again = ModelCircuit::build(&m, Disclosure::Coarse).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ModelVerifier::of(&again).to_bytes().unwrap_or_else(|e| panic!("{e}")), bytes);
        assert_eq!(e.verifier_sha256["coarse"], hex::encode(Sha256::digest(&bytes)));
        let back = ModelVerifier::from_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.fingerprint(), fp);
        // revocation wins over a listing
        let mut t = trusted.clone();
        t.revoked.push(RevokedModel {
            digest: m.digest().to_string(),
            name: "diabetes".into(),
            revoked: "2026-11-26".into(),
            reason: "test".into(),
        });
        t.approved.push(ApprovedModel { digest: m.digest().to_string(), name: "diabetes".into(), added: "x".into() });
        assert!(
            matches!(approval(&m, &fp, Disclosure::Coarse.into(), &t), Approval::Unapproved(r) if r.contains("revoked"))
        );
        assert_eq!(trusted_pin(&m, Disclosure::Coarse.into(), &t), None, "no pin for a revoked digest");
    }
}
