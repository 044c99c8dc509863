//! Where the shipped models are, and what the UI is told about them.

use std::path::PathBuf;

use serde::Serialize;
use zkdx_model::card::Feature;
use zkdx_model::{Disclosure, Model};

/// The app's models, found at start-up (see [`find_models_dir`]).
static MODELS_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The shipped models' folder: `$ZKDX_MODELS`, else `models/` in the app's resource folder
/// (where a `.deb` or AppImage installs them, `bundle.resources` in `tauri.conf.json`; a
/// `cargo build` copies them beside the binary). A debug build with no copy falls back to
/// the repository's `models/`; a release build never looks outside its own resources.
pub fn models_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("ZKDX_MODELS") {
        return PathBuf::from(p);
    }
    if let Some(dir) = MODELS_DIR.get() {
        return dir.clone();
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"))
}

/// At start-up: the resource folder's `models/` (in a debug build only when it holds a
/// model, so that a development build without the copy still finds the repository's).
pub fn find_models_dir(resource_dir: Option<PathBuf>) {
    let Some(dir) = resource_dir.map(|r| r.join("models")) else { return };
    let holds_a_model = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().any(|e| e.path().extension().is_some_and(|x| x == "onnx")))
        .unwrap_or(false);
    if holds_a_model || !cfg!(debug_assertions) {
        let _ = MODELS_DIR.set(dir);
    }
}

/// A shipped model as the UI shows it (from its card).
#[derive(Debug, Serialize)]
pub struct ModelSummary {
    /// Card id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Classification or regression.
    pub kind: String,
    /// Intended use.
    pub intended_use: String,
    /// Limits.
    pub limitations: String,
    /// Digest.
    pub digest: String,
    /// Measured metrics.
    pub metrics: std::collections::BTreeMap<String, f64>,
    /// Features, for the form.
    pub features: Vec<Feature>,
    /// Output names (labels or the score's name).
    pub outputs: Vec<String>,
    /// The score's unit (regressions).
    pub unit: Option<String>,
    /// What a proof of this model may disclose, least first, each with its one-sentence
    /// explanation; the first `default` one is preselected.
    pub disclosures: Vec<DisclosureChoice>,
}

/// One disclosure choice.
#[derive(Debug, Serialize)]
pub struct DisclosureChoice {
    /// `label`, `coarse` or `exact`.
    pub name: &'static str,
    /// One sentence for the patient.
    pub explain: &'static str,
    /// Whether it is the default.
    pub default: bool,
}

/// Load a shipped model by id.
pub fn load(id: &str) -> Result<Model, String> {
    let path = zkdx_bundle::workflow::shipped_model_file(&models_dir(), id)?;
    Model::load(&path).map_err(|e| e.to_string())
}

/// Summaries of every shipped model (those with a card).
pub fn summaries() -> Result<Vec<ModelSummary>, String> {
    let dir = models_dir();
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "onnx")).collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let m = Model::load(&p).map_err(|e| e.to_string())?;
        let Some(card) = m.card().cloned() else { continue };
        out.push(ModelSummary {
            id: m.id().to_string(),
            name: card.name,
            version: card.version,
            kind: format!("{:?}", card.kind).to_lowercase(),
            intended_use: card.intended_use,
            limitations: card.limitations,
            digest: m.digest().to_string(),
            metrics: card.metrics,
            features: card.features,
            outputs: m.graph().outputs.clone(),
            unit: card.output.map(|o| o.unit),
            disclosures: zkdx_model::disclosure::available(m.graph().head)
                .into_iter()
                .map(|d| DisclosureChoice {
                    name: d.as_str(),
                    explain: d.explain(),
                    default: d == Disclosure::default(),
                })
                .collect(),
        });
    }
    Ok(out)
}
