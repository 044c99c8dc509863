//! The model catalogue: the models in a folder (each `<id>.onnx` with its card `<id>.json`
//! beside it), found by id, and summarised from their cards for a front end. The CLI, the
//! bundle workflows and the app all find shipped models here.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::card::Feature;
use crate::error::ModelError;
use crate::Model;

/// Why a model could not be found or read in a catalogue.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// Ids are letters, digits, `-` and `_` (so an id never names a file outside the folder).
    #[error("`{0}` is not a valid model id")]
    InvalidId(String),
    /// No `<id>.onnx` in the folder.
    #[error("model `{id}` is not among the models in {dir}")]
    NotFound {
        /// The id asked for.
        id: String,
        /// The folder.
        dir: String,
    },
    /// The folder could not be listed.
    #[error("cannot read {dir}: {cause}")]
    Unreadable {
        /// The folder.
        dir: String,
        /// Why.
        cause: std::io::Error,
    },
    /// A model in it could not be loaded.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// A folder of models.
#[derive(Debug, Clone)]
pub struct Catalogue {
    dir: PathBuf,
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

impl Catalogue {
    /// The models in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Catalogue {
        Catalogue { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The ONNX file of the model with this id: `<dir>/<id>.onnx`.
    pub fn model_file(&self, id: &str) -> Result<PathBuf, CatalogueError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(CatalogueError::InvalidId(id.to_string()));
        }
        let p = self.dir.join(format!("{id}.onnx"));
        if p.is_file() {
            Ok(p)
        } else {
            Err(CatalogueError::NotFound { id: id.to_string(), dir: self.dir.display().to_string() })
        }
    }

    /// The model with this id, loaded (its card's digest checked).
    pub fn load(&self, id: &str) -> Result<Model, CatalogueError> {
        Ok(Model::load(&self.model_file(id)?)?)
    }

    /// Every model in the folder that has a card, in id order (`breast-cancer` before
    /// `breast-cancer-gbt`, which a file-name order would reverse).
    pub fn models(&self) -> Result<Vec<Model>, CatalogueError> {
        let unreadable = |cause| CatalogueError::Unreadable { dir: self.dir.display().to_string(), cause };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map_err(unreadable)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "onnx"))
            .collect();
        paths.sort_by(|a, b| a.file_stem().cmp(&b.file_stem()));
        let mut out = Vec::new();
        for p in paths {
            let m = Model::load(&p)?;
            if m.card().is_some() {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// What a front end shows of each model with a card.
    pub fn summaries(&self) -> Result<Vec<ModelSummary>, CatalogueError> {
        Ok(self.models()?.iter().filter_map(ModelSummary::of).collect())
    }
}

impl ModelSummary {
    /// The summary of a model with a card (`None` without one).
    pub fn of(m: &Model) -> Option<ModelSummary> {
        let card = m.card()?.clone();
        Some(ModelSummary {
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
            disclosures: crate::disclosure::available(m.graph().head)
                .into_iter()
                .map(|d| DisclosureChoice {
                    name: d.as_str(),
                    explain: d.explain(),
                    default: d == m.default_disclosure(),
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_leave_the_folder_and_missing_models_say_where_they_were_looked_for() {
        let c = Catalogue::new("/nonexistent-zkdx-models");
        for id in ["", "../etc/passwd", "a/b", "a.b", "é"] {
            assert!(matches!(c.model_file(id), Err(CatalogueError::InvalidId(_))), "{id}");
        }
        let e = c.model_file("breast-cancer").unwrap_err().to_string();
        assert!(e.contains("breast-cancer") && e.contains("/nonexistent-zkdx-models"), "{e}");
        assert!(matches!(c.models(), Err(CatalogueError::Unreadable { .. })));
    }
}
