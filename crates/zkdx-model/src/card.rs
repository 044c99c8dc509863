//! Model cards: the human description of a shipped model (features with units and
//! plausible ranges, labels or score, intended use, measured accuracy, digest).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::ir::InputSpec;

/// One feature as a patient or lab report gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// How it was trained (free form).
    #[serde(default)]
    pub training: serde_json::Value,
    /// Measured metrics (float and quantised accuracy or error, worst logit error).
    #[serde(default)]
    pub metrics: BTreeMap<String, f64>,
    /// The quantised model's digest, `sha256:…` (`zkdx digest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl ModelCard {
    /// Read a card.
    pub fn load(path: &Path) -> Result<ModelCard, ModelError> {
        let err = |detail: String| ModelError::Card { path: path.display().to_string(), detail };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| err(format!("not a valid model card: {e}")))
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

    /// The unit of a feature ("" if unknown).
    pub fn unit(&self, feature: &str) -> &str {
        self.features.iter().find(|f| f.name == feature).map_or("", |f| f.unit.as_str())
    }
}
