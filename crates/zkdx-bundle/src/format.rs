//! The bundle's JSON format (version 6) and its structural checks.
//!
//! ```json
//! {
//!   "format": "zkdx-proof-bundle",
//!   "format_version": 6,
//!   "zkdx_version": "0.1.0",
//!   "created_at": "2026-11-25T21:00:00Z",
//!   "model": { "id": "breast-cancer", "name": "…", "version": "1.0.0", "digest": "sha256:…" },
//!   "result": {
//!     "kind": "classification", "disclosure": "coarse",
//!     "label": "benign", "label_index": 1,
//!     "probabilities": [0.02, 0.98], "percentages": [2, 98], "scale_bits": 16,
//!     "output_names": ["malignant", "benign"], "unit": null
//!   },
//!   "input_commitment": "<64 hex digits: Poseidon(quantised input ‖ salt)>",
//!   "challenge": "7K2M-9QXF-3TBA-WC8D",
//!   "proof": { "system": "plonky2-1.1 goldilocks poseidon zk", "data": "<base64>" },
//!   (or "system": "plonky2-1.1 goldilocks poseidon zk, compact recursive wrapper")
//!   "signature": { "algorithm": "ed25519", "public_key": "<hex>", "signature": "<hex>" }
//! }
//! ```
//! `signature` is optional (see [`crate::signature`]), and so is `challenge`: the
//! clinician's freshness challenge the proof answers (`zkdx_circuit::Challenge`). An
//! `exact` bundle holds `"outputs"` (the proven logits or scores) instead of `percentages`; a
//! `coarse` regression holds `"rounded"` and `"resolution"`; a `label` bundle only the label.
//! Reading checks the format name and version, every field's type, and sizes; unknown
//! fields are refused so that nothing is silently ignored.

use base64::Engine;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use zkdx_circuit::commitment::HexError;
use zkdx_circuit::{Assurance, Challenge, Commitment, ProofKind};
use zkdx_model::io::ReadError;
use zkdx_model::Disclosure;

/// The `format` field's value.
pub const FORMAT: &str = "zkdx-proof-bundle";
/// The version this code writes: 2 adds the optional device `signature`; 3 adds
/// `result.disclosure` (with `percentages`, `rounded` and `resolution`), and `outputs` only
/// for an `exact` disclosure; 4 adds the optional `challenge`, and its proofs have the
/// challenge among their public inputs; 5 changes no field, but its proofs come from the
/// circuits that choose their configuration (the compact one for small circuits) and prove
/// two classes' percents by runs; 6 changes no field, but its circuits hash in narrow
/// Poseidon rows (64 wire columns in compact circuits, which now reach 2^10 rows, and rate
/// 1/32 for those that fit 2^8 rows at it).
pub const FORMAT_VERSION: u32 = 6;
/// The oldest version this code reads: the proofs of earlier versions were made with
/// earlier circuits (before the zero-knowledge patch, the challenge, the compact config,
/// the narrow Poseidon rows), which this zkDx cannot check.
pub const MIN_FORMAT_VERSION: u32 = 6;
/// The proof system named in bundles.
pub const PROOF_SYSTEM: &str = "plonky2-1.1 goldilocks poseidon zk";
/// The proof system of a compact bundle: the zero-knowledge proof wrapped in plonky2's
/// size-optimised recursion chain (see `zkdx_circuit::compact`).
pub const COMPACT_PROOF_SYSTEM: &str = "plonky2-1.1 goldilocks poseidon zk, compact recursive wrapper";
/// The proof system of a high-assurance bundle (`zkdx_circuit::config::Assurance::High`):
/// the same prover with enough queries and challenges for 100 provable bits.
pub const HIGH_ASSURANCE_PROOF_SYSTEM: &str = "plonky2-1.1 goldilocks poseidon zk, high assurance";

/// Every proof system a bundle may name, with its kind of proof and assurance (a compact
/// proof's recursive wrappers use the standard configuration, so there is no compact
/// high-assurance system).
const PROOF_SYSTEMS: [(&str, ProofKind, Assurance); 3] = [
    (PROOF_SYSTEM, ProofKind::Plain, Assurance::Standard),
    (COMPACT_PROOF_SYSTEM, ProofKind::Compact, Assurance::Standard),
    (HIGH_ASSURANCE_PROOF_SYSTEM, ProofKind::Plain, Assurance::High),
];

/// The `proof.system` name of a proof of `kind` at `assurance`, if zkDx makes such proofs.
pub fn proof_system(kind: ProofKind, assurance: Assurance) -> Option<&'static str> {
    PROOF_SYSTEMS.iter().find(|(_, k, a)| *k == kind && *a == assurance).map(|(s, _, _)| *s)
}

/// Largest bundle file accepted.
pub const MAX_BUNDLE_BYTES: usize = 16 << 20;

/// Why a bundle cannot be read.
#[derive(Debug, Error, PartialEq)]
pub enum BundleError {
    /// Too large to be a bundle.
    #[error("the file is {0} bytes, larger than any zkDx bundle ({MAX_BUNDLE_BYTES} bytes)")]
    TooLarge(usize),
    /// Not JSON or not the bundle structure (truncated files land here).
    #[error("not a readable zkDx bundle: {0}")]
    Malformed(String),
    /// Another document type.
    #[error("not a zkDx proof bundle (format `{0}`)")]
    WrongFormat(String),
    /// A version this zkDx cannot read.
    #[error("{}", unsupported_version(*.0))]
    UnsupportedVersion(u32),
    /// A zkDx bundle of a supported version whose fields do not have the bundle's shape:
    /// damaged or edited.
    #[error("the bundle is damaged or was edited: {0}")]
    Damaged(String),
    /// A field has a bad value.
    #[error("bundle field `{field}` is invalid: {detail}")]
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong.
        detail: String,
    },
}

fn unsupported_version(v: u32) -> String {
    if v < MIN_FORMAT_VERSION {
        format!(
            "bundle format version {v} was written by an earlier zkDx whose circuits have changed since, so this \
             zkDx cannot check its proof; ask for a new bundle"
        )
    } else {
        format!("bundle format version {v} is newer than this zkDx reads (up to {FORMAT_VERSION}); update zkDx")
    }
}

/// JSON of the bundle crate's own documents (bundles, endorsements), which cannot fail to
/// serialise: their fields are strings, integers, floats (serde_json writes a non-finite
/// one as `null`), options, vectors and maps with string keys, and none has a custom
/// `Serialize`. One documented `expect` here rather than a silent empty fallback at each
/// call: signing or saving empty bytes would be worse than stopping.
pub(crate) fn plain_json<T: Serialize>(value: &T, pretty: bool) -> Vec<u8> {
    let bytes = if pretty { serde_json::to_vec_pretty(value) } else { serde_json::to_vec(value) };
    #[allow(clippy::expect_used)]
    bytes.expect("zkDx's own documents always serialise to JSON")
}

impl BundleError {
    /// Whether the file cannot be read as a zkDx bundle at all (too large, not JSON, another
    /// document, an unsupported version): the bundle cannot be checked, which says nothing
    /// about forgery. The other errors are a zkDx bundle that contradicts its own format.
    pub fn is_unreadable(&self) -> bool {
        matches!(
            self,
            BundleError::TooLarge(_)
                | BundleError::Malformed(_)
                | BundleError::WrongFormat(_)
                | BundleError::UnsupportedVersion(_)
        )
    }
}

/// Which model a bundle speaks of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelRef {
    /// The card's id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Model version.
    pub version: String,
    /// The model digest, `sha256:…`.
    pub digest: String,
}

/// The result, readable and as proven.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultClaim {
    /// `classification` or `regression`.
    pub kind: String,
    /// The label (classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The label's index (classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_index: Option<usize>,
    /// What the proof discloses (absent in version 1 and 2 bundles, which are `exact`).
    #[serde(default = "exact")]
    pub disclosure: Disclosure,
    /// Class probabilities (classifiers), in `output_names` order: from the exact logits, or
    /// the proven whole percents / 100 (`coarse`); none for `label`, and none for a model
    /// whose outputs are decision scores (a linear SVM's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probabilities: Vec<f64>,
    /// The proven outputs (logits or scores) as integers at scale `2^scale_bits` (`exact`
    /// only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<i64>,
    /// The proven whole percent of each class (`coarse` classifiers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub percentages: Vec<u32>,
    /// The proven scores in steps of `resolution` (`coarse` regressions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rounded: Vec<i64>,
    /// The step of `rounded`, in the score's unit (the model card's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<f64>,
    /// Fixed-point scale bits.
    pub scale_bits: u32,
    /// Names of the outputs (labels, or the score's name).
    pub output_names: Vec<String>,
    /// The score's unit (regressions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

fn exact() -> Disclosure {
    Disclosure::Exact
}

/// The proof itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofData {
    /// The proof system.
    pub system: String,
    /// plonky2's serialised proof with public inputs, base64.
    pub data: String,
}

impl ProofData {
    /// The kind of proof and assurance its `system` names, or `None` for a system zkDx
    /// does not make.
    pub fn profile(&self) -> Option<(ProofKind, Assurance)> {
        PROOF_SYSTEMS.iter().find(|(s, _, _)| *s == self.system).map(|(_, k, a)| (*k, *a))
    }
}

/// A proof bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBundle {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`FORMAT_VERSION`] for bundles this code writes.
    pub format_version: u32,
    /// The zkDx that wrote it.
    pub zkdx_version: String,
    /// When the proof was made (RFC 3339, UTC).
    pub created_at: String,
    /// The model.
    pub model: ModelRef,
    /// The result.
    pub result: ResultClaim,
    /// Poseidon(quantised input ‖ salt), 64 hex digits (4 field elements, big-endian each).
    pub input_commitment: String,
    /// The clinician's freshness challenge the proof answers, if it was made for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// The proof.
    pub proof: ProofData,
    /// The device signature (format version 2), if the bundle was signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::signature::BundleSignature>,
}

#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
    format_version: Option<serde_json::Value>,
}

impl ProofBundle {
    /// Parse and check a bundle's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<ProofBundle, BundleError> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(BundleError::TooLarge(bytes.len()));
        }
        let header: Header = serde_json::from_slice(bytes).map_err(|e| BundleError::Malformed(e.to_string()))?;
        match header.format {
            Some(serde_json::Value::String(f)) if f == FORMAT => {}
            Some(other) => return Err(BundleError::WrongFormat(other.to_string())),
            None => return Err(BundleError::Malformed("no `format` field".into())),
        }
        match header.format_version.as_ref().and_then(serde_json::Value::as_u64) {
            Some(v) if (u64::from(MIN_FORMAT_VERSION)..=u64::from(FORMAT_VERSION)).contains(&v) => {}
            Some(v) => return Err(BundleError::UnsupportedVersion(u32::try_from(v).unwrap_or(u32::MAX))),
            None => return Err(BundleError::Malformed("`format_version` is missing or not a number".into())),
        }
        let bundle: ProofBundle = serde_json::from_slice(bytes).map_err(|e| BundleError::Damaged(e.to_string()))?;
        bundle.check()?;
        Ok(bundle)
    }

    /// Serialise (pretty JSON, newline-terminated).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = plain_json(self, true);
        bytes.push(b'\n');
        bytes
    }

    /// The proof bytes.
    pub fn proof_bytes(&self) -> Result<Vec<u8>, BundleError> {
        base64::engine::general_purpose::STANDARD
            .decode(self.proof.data.as_bytes())
            .map_err(|e| BundleError::Field { field: "proof.data", detail: format!("not base64: {e}") })
    }

    /// The input commitment as four field elements.
    pub fn commitment(&self) -> Result<Commitment, BundleError> {
        self.input_commitment
            .parse()
            .map_err(|e: HexError| BundleError::Field { field: "input_commitment", detail: e.to_string() })
    }

    /// The freshness challenge the bundle says its proof answers.
    pub fn challenge(&self) -> Result<Option<Challenge>, BundleError> {
        self.challenge
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|detail| BundleError::Field { field: "challenge", detail })
    }

    /// Structural checks of every field.
    pub fn check(&self) -> Result<(), BundleError> {
        let field = |field: &'static str, detail: &str| Err(BundleError::Field { field, detail: detail.into() });
        if self.proof.profile().is_none() {
            return field("proof.system", "unknown proof system");
        }
        if time::OffsetDateTime::parse(&self.created_at, &time::format_description::well_known::Rfc3339).is_err() {
            return field("created_at", "not an RFC 3339 time");
        }
        if !self.model.digest.starts_with("sha256:")
            || self.model.digest.len() != 71
            || hex::decode(&self.model.digest[7..]).is_err()
        {
            return field("model.digest", "not `sha256:` and 64 hex digits");
        }
        self.commitment()?;
        let r = &self.result;
        if !(1..=24).contains(&r.scale_bits) {
            return field("result.scale_bits", "out of range");
        }
        match r.kind.as_str() {
            "classification" => {
                let (Some(label), Some(index)) = (&r.label, r.label_index) else {
                    return field("result", "a classification needs `label` and `label_index`");
                };
                if r.output_names.get(index) != Some(label) {
                    return field("result.label", "does not match `output_names[label_index]`");
                }
                let expected = if r.disclosure == Disclosure::Label { 0 } else { r.output_names.len() };
                // exact decision scores (a linear SVM's) have no probabilities; whether the
                // model's outputs are such scores, the verdict checks against the model
                let scores_only = r.disclosure == Disclosure::Exact && r.probabilities.is_empty();
                if (r.probabilities.len() != expected && !scores_only)
                    || r.probabilities.iter().any(|p| !p.is_finite() || !(0.0..=1.0).contains(p))
                {
                    return field(
                        "result.probabilities",
                        "one probability in [0, 1] per class (none for `label`, or for exact decision scores)",
                    );
                }
            }
            "regression" => {
                let shown = if r.disclosure == Disclosure::Exact { &r.outputs } else { &r.rounded };
                if shown.len() != r.output_names.len() {
                    return field("result.outputs", "one output per name");
                }
            }
            _ => return field("result.kind", "must be `classification` or `regression`"),
        }
        self.challenge()?;
        self.proof_bytes()?;
        Ok(())
    }
}

/// Read a bundle file, refusing one larger than any bundle before reading it.
pub fn read_bundle_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    zkdx_model::io::read_limited(path, MAX_BUNDLE_BYTES as u64).map_err(|e| match e {
        ReadError::TooLarge { size, .. } => format!("{} is {size} bytes, larger than any zkDx bundle", path.display()),
        ReadError::Io(e) => format!("cannot read {}: {e}", path.display()),
    })
}
