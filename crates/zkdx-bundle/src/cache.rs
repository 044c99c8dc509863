//! The verifier cache: a model's serialised verifier kept in the user's cache folder
//! (`$ZKDX_CACHE_DIR`, else `$XDG_CACHE_HOME/zkdx`, else `~/.cache/zkdx`), so that a
//! clinician's verification need not rebuild the circuit (or, for compact proofs, the
//! recursive wrappers). An entry is used only when its SHA-256 is the one a trusted
//! publisher's endorsement pins ([`crate::trust::Pin`]); anything else in the folder is
//! ignored and replaced. It also keeps how long each model's last proof took on this
//! computer (`timings.json`), for the progress bars' estimates, and the prover's circuits
//! (`circuits/`, [`circuit`]), so that a model's second proof costs proving time only.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use zkdx_circuit::{CircuitError, ModelCircuit, ModelVerifier, ProofKind, Variant};
use zkdx_model::Model;

/// The cache folder, if the environment names one.
pub fn dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("ZKDX_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("zkdx")))
        .or_else(|| var("HOME").map(|h| h.join(".cache/zkdx")))
}

/// What the cache files a model's circuit under: its digest, variant and proof kind.
fn key(model: &Model, variant: Variant, kind: ProofKind) -> String {
    let digest = model.digest().to_string();
    let hex = digest.strip_prefix("sha256:").unwrap_or(&digest);
    let suffix = match kind {
        ProofKind::Plain => "",
        ProofKind::Compact => "-compact",
    };
    format!("{hex}-{}{suffix}", variant.key())
}

fn entry(model: &Model, variant: Variant, kind: ProofKind) -> Option<PathBuf> {
    Some(dir()?.join("verifiers").join(format!("{}.bin", key(model, variant, kind))))
}

/// The cached verifier of `kind` of `model`'s `variant` circuit, if there is one and its
/// SHA-256 is `pinned_sha256`.
pub fn load(model: &Model, variant: Variant, kind: ProofKind, pinned_sha256: &str) -> Option<ModelVerifier> {
    let bytes = std::fs::read(entry(model, variant, kind)?).ok()?;
    if hex::encode(Sha256::digest(&bytes)) != pinned_sha256 {
        return None;
    }
    ModelVerifier::from_bytes(&bytes).ok().filter(|v| v.kind() == kind)
}

/// Keep `verifier` when its bytes are the pinned ones (best effort: a cache that cannot be
/// written only costs time).
pub fn store(model: &Model, variant: Variant, verifier: &ModelVerifier, pinned_sha256: &str) {
    let (Some(path), Ok(bytes)) = (entry(model, variant, verifier.kind()), verifier.to_bytes()) else { return };
    if hex::encode(Sha256::digest(&bytes)) != pinned_sha256 {
        return;
    }
    if let Some(parent) = path.parent() {
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
    }
    let _ = zkdx_model::io::write_atomically(&path, &bytes);
}

/// Circuits larger than this (estimated from their rows, rate and columns) are not kept:
/// reading a file that size costs about what building the circuit does.
pub const MAX_STORED_CIRCUIT_BYTES: usize = 128 << 20;

/// Where a prover's circuit is filed: under the model's digest and the variant, and the
/// card's score resolution, which a coarse circuit holds as a constant and the digest does
/// not cover (a card whose resolution changed gets another circuit).
fn circuit_entry(model: &Model, variant: Variant) -> Option<PathBuf> {
    let steps = zkdx_model::disclosure::resolution_steps(model.score_resolution(), model.graph().scale_bits);
    Some(dir()?.join("circuits").join(format!("{}-r{steps}.bin", key(model, variant, ProofKind::Plain))))
}

/// The prover's circuit of `model`'s `variant`: read from the cache when this build of
/// zkDx stored it there, else built and stored (best effort, owner-only: the file says
/// which model was used). Only proving uses it: a tampered file can make a proof fail or
/// leak, which a user who can write to their own cache folder can do anyway; verification
/// never reads it (a verifier's data comes from the verifier cache, checked against a pin).
pub fn circuit(model: &Model, variant: Variant) -> Result<ModelCircuit, CircuitError> {
    let path = circuit_entry(model, variant);
    if let Some(c) = path.as_ref().and_then(|p| std::fs::read(p).ok()).and_then(|b| ModelCircuit::from_bytes(&b).ok()) {
        if c.layout.disclosure == variant.disclosure && c.assurance == variant.assurance {
            return Ok(c);
        }
    }
    let built = ModelCircuit::build_with(model, variant)?;
    if let Some(path) = path {
        if built.stored_size_estimate() <= MAX_STORED_CIRCUIT_BYTES {
            if let (Some(parent), Ok(bytes)) = (path.parent(), built.to_bytes()) {
                if std::fs::create_dir_all(parent).is_ok() {
                    let _ = zkdx_model::io::write_secret(&path, &bytes);
                }
            }
        }
    }
    Ok(built)
}

fn timings_path() -> Option<PathBuf> {
    Some(dir()?.join("timings.json"))
}

fn timings() -> std::collections::BTreeMap<String, f64> {
    timings_path().and_then(|p| std::fs::read(p).ok()).and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// How many seconds the last proof of this model, variant and kind took on this computer.
pub fn last_proof_seconds(model: &Model, variant: Variant, kind: ProofKind) -> Option<f64> {
    timings().get(&key(model, variant, kind)).copied().filter(|s| s.is_finite() && *s > 0.0)
}

/// Remember how long a proof took (best effort, like the verifier cache). The file says
/// which models this computer proved with, so it is written owner-only, as a secret is.
pub fn record_proof_seconds(model: &Model, variant: Variant, kind: ProofKind, seconds: f64) {
    let Some(path) = timings_path() else { return };
    let mut all = timings();
    all.insert(key(model, variant, kind), seconds);
    if let (Some(parent), Ok(bytes)) = (path.parent(), serde_json::to_vec_pretty(&all)) {
        if std::fs::create_dir_all(parent).is_ok() {
            let _ = zkdx_model::io::write_secret(&path, &bytes);
        }
    }
}
