//! Model cards: the human description of a shipped model (features with units and
//! plausible ranges, labels or score, intended use, measured accuracy, digest), and the codes
//! that tie features and results to health records (LOINC codes, UCUM units; see
//! `docs/fhir.md`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::ir::InputSpec;

/// A code from a code system, as FHIR writes one (`system`, `code`, `display`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coding {
    /// The code system's URI (`http://loinc.org`, or one of zkDx's local systems).
    pub system: String,
    /// The code.
    pub code: String,
    /// Its human name.
    pub display: String,
}

/// LOINC's code system URI.
pub const LOINC: &str = "http://loinc.org";

/// Largest model card read (a card is a few kilobytes; this leaves room for hundreds of
/// features).
pub const MAX_CARD_BYTES: u64 = 4 << 20;

/// The URI of zkDx's local code system for what a model has no standard code for: its
/// features (`urn:zkdx:<model id>:feature`), labels (`…:label`) and result (`…:result`).
pub fn local_system(model_id: &str, what: &str) -> String {
    format!("urn:zkdx:{model_id}:{what}")
}

/// One feature as a patient or lab report gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    /// Name, as used in records.
    pub name: String,
    /// Unit the value is expected in.
    pub unit: String,
    /// What the value is.
    pub description: String,
    /// Plausible minimum.
    pub min: f64,
    /// Plausible maximum.
    pub max: f64,
    /// The observation code a health record files this value under (LOINC where one
    /// exists, else zkDx's local feature system); FHIR import matches by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Coding>,
    /// `unit` as a UCUM code (`mg/dL`, `mm[Hg]`, `kg/m2`); values in another UCUM unit of the
    /// same dimension are converted to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ucum: Option<String>,
    /// Molar mass in g/mol, for a substance concentration given in moles (mmol/L) where the
    /// card's unit is a mass (mg/dL), or the other way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub molar_mass: Option<f64>,
    /// For a categorical feature (a code such as sex 1 or 2), the only values it takes; a
    /// record with any other value is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<f64>>,
}

/// Whether the model classifies or scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Labels with probabilities.
    Classification,
    /// One or more scores.
    Regression,
}

/// A regression output's meaning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputSpec {
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Meaning.
    pub description: String,
    /// The step a coarse disclosure rounds the score to, in its unit (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<f64>,
    /// `unit` as a UCUM code (`{score}` for a study scale).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ucum: Option<String>,
}

/// A model card (`models/<id>.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelCard {
    /// Stable identifier (`breast-cancer`).
    pub id: String,
    /// Human name.
    pub name: String,
    /// Model version.
    pub version: String,
    /// Classification or regression.
    pub kind: ModelKind,
    /// What the model is for.
    pub intended_use: String,
    /// What it must not be used for.
    pub limitations: String,
    /// The features, in the model's input order.
    pub features: Vec<Feature>,
    /// Class labels (classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// The score (regressions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<OutputSpec>,
    /// What the result is, as a code (the FHIR export's observation and report code):
    /// LOINC where one exists, else zkDx's local result system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<Coding>,
    /// How it was trained (free form).
    #[serde(default)]
    pub training: serde_json::Value,
    /// Measured metrics (float and quantised accuracy or error, worst logit error).
    #[serde(default)]
    pub metrics: BTreeMap<String, f64>,
    /// The quantised model's digest, `sha256:…` (`zkdx digest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The fixed-point scale, as fractional bits (`zkdx calibrate` chooses it); absent: the
    /// ONNX file's `zkdx.scale_bits`, else 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_bits: Option<u32>,
}

impl ModelCard {
    /// Read a card.
    pub fn load(path: &Path) -> Result<ModelCard, ModelError> {
        let err = |detail: String| ModelError::Card { path: path.display().to_string(), detail };
        let bytes = crate::io::read_limited(path, MAX_CARD_BYTES).map_err(|e| err(e.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| err(format!("not a valid model card: {e}")))
    }

    /// The card next to an ONNX file (`x.onnx` → `x.json`), if there is one.
    pub fn beside(onnx: &Path) -> Option<PathBuf> {
        let p = onnx.with_extension("json");
        p.is_file().then_some(p)
    }

    /// The feature ranges as the IR holds them.
    pub fn input_specs(&self) -> Vec<InputSpec> {
        self.features.iter().map(|f| InputSpec { name: f.name.clone(), min: f.min, max: f.max }).collect()
    }

    /// The allowed values of a categorical feature (none for a continuous one).
    pub fn allowed(&self, feature: &str) -> Option<&[f64]> {
        self.features.iter().find(|f| f.name == feature).and_then(|f| f.allowed.as_deref())
    }

    /// The unit of a feature ("" if unknown).
    pub fn unit(&self, feature: &str) -> &str {
        self.features.iter().find(|f| f.name == feature).map_or("", |f| f.unit.as_str())
    }
}
