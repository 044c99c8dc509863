//! [`Model`]: an ONNX file (and its card, if any) loaded, lowered, quantised, bound-checked
//! and digested; what every front end (CLI, app, circuit) starts from.

use std::path::{Path, PathBuf};

use crate::bounds::{self, Bounds};
use crate::card::{local_system, Coding, ModelCard, ModelKind};
use crate::digest::{self, ModelDigest};
use crate::error::{ModelError, RecordError};
use crate::fhir::{self, Imported};
use crate::fixed::dequantise;
use crate::float::FloatModel;
use crate::infer::{self, Trace};
use crate::io::ReadError;
use crate::ir::{Graph, Head};
use crate::quantise::{self, quantise_input, DEFAULT_SCALE_BITS};
use crate::record::{self, Schema};

/// Largest ONNX file accepted.
pub const MAX_MODEL_BYTES: u64 = 1 << 30;

/// A loaded, validated model. Its fields are private: the digest always belongs to the
/// graph beside it, and the bounds to that graph and the card's ranges.
#[derive(Clone)]
pub struct Model {
    id: String,
    path: PathBuf,
    card: Option<ModelCard>,
    graph: Graph,
    bounds: Bounds,
    digest: ModelDigest,
    float: FloatModel,
    /// What zkDx rewrote in the file before lowering it (ai.onnx.ml ops), in words.
    notes: Vec<String>,
}

/// The bytes of the ONNX file at `path`, refused unread beyond [`MAX_MODEL_BYTES`].
pub fn read_onnx(path: &Path) -> Result<Vec<u8>, ModelError> {
    let shown = || path.display().to_string();
    crate::io::read_limited(path, MAX_MODEL_BYTES).map_err(|e| match e {
        ReadError::Io(cause) => ModelError::Io { path: shown(), cause },
        ReadError::TooLarge { size, limit } => {
            ModelError::NotOnnx { path: shown(), detail: format!("{size} bytes is larger than the {limit}-byte limit") }
        }
    })
}

/// How a model's outputs read.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The raw outputs (logits or scores) as real numbers.
    pub values: Vec<f64>,
    /// For classifiers, the chosen class.
    pub label: Option<usize>,
    /// For classifiers, the class probabilities.
    pub probabilities: Vec<f64>,
}

/// One inference, quantised and float side by side.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    /// The quantised input.
    pub input: Vec<i64>,
    /// The integer run (what the circuit proves).
    pub trace: Trace,
    /// The integer result.
    pub quantised: Outcome,
    /// The float (tract) result.
    pub float: Outcome,
    /// Largest |quantised − float| over the outputs (logits or scores).
    pub max_error: f64,
}

/// A probability as a person should read it: never a certainty the model cannot give.
/// Whole percents (what a `coarse` disclosure proves) are shown as such, 0 and 100 as the
/// ranges they stand for (rounded to the nearest percent); others to a tenth of a percent,
/// with the ends shown as bounds.
pub fn percent_text(p: f64) -> String {
    let pct = 100.0 * p;
    if (pct - pct.round()).abs() < 1e-9 {
        match pct.round() as i64 {
            100 => "≥ 99.5%".into(),
            0 => "< 0.5%".into(),
            n => format!("{n}%"),
        }
    } else if p >= 0.999 {
        "> 99.9%".into()
    } else if p <= 0.001 {
        "< 0.1%".into()
    } else {
        format!("{pct:.1}%")
    }
}

impl Model {
    /// Identifier: the card's id, else the file's stem.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Where the ONNX file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The card, when one sits next to the ONNX file.
    pub fn card(&self) -> Option<&ModelCard> {
        self.card.as_ref()
    }

    /// The quantised graph (what the circuit proves).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Bounds of every value, from the input ranges.
    pub fn bounds(&self) -> &Bounds {
        &self.bounds
    }

    /// The digest of [`Model::graph`].
    pub fn digest(&self) -> ModelDigest {
        self.digest
    }

    /// Load an ONNX file, or a model card whose ONNX file sits next to it (`<id>.onnx`).
    /// A card's digest, when present, must match the model.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let model = Model::load_unchecked(path)?;
        if let Some(expected) = model.card.as_ref().and_then(|c| c.digest.as_deref()) {
            if expected != model.digest.to_string() {
                return Err(ModelError::Card {
                    path: model.path.with_extension("json").display().to_string(),
                    detail: format!(
                        "its digest {expected} does not match the model's {}: the ONNX file or the card was changed",
                        model.digest
                    ),
                });
            }
        }
        Ok(model)
    }

    /// Like [`Model::load`] but without comparing the card's digest (for `zkdx card-sync`).
    pub fn load_unchecked(path: &Path) -> Result<Model, ModelError> {
        let onnx_path = if path.extension().is_some_and(|e| e == "json") {
            let card = ModelCard::load(path)?;
            path.with_file_name(format!("{}.onnx", card.id))
        } else {
            path.to_path_buf()
        };
        let bytes = read_onnx(&onnx_path)?;
        let card = match ModelCard::beside(&onnx_path) {
            Some(p) => Some(ModelCard::load(&p)?),
            None => None,
        };
        Model::from_bytes(&bytes, &onnx_path, card)
    }

    /// Build from ONNX bytes and an optional card.
    pub fn from_bytes(bytes: &[u8], path: &Path, card: Option<ModelCard>) -> Result<Model, ModelError> {
        let shown = path.display().to_string();
        let lowered = crate::onnx::lower(bytes, &shown)?;
        let mut float_graph = lowered.graph;
        let mut notes = lowered.notes;
        let card_err =
            |detail: String| ModelError::Card { path: path.with_extension("json").display().to_string(), detail };
        if let Some(card) = &card {
            let specs = card.input_specs();
            if float_graph.inputs.is_empty() {
                float_graph.inputs = specs;
            } else if float_graph.inputs != specs {
                return Err(card_err("its features or ranges differ from those in the ONNX file".into()));
            }
            // logits (no softmax or sigmoid in the graph) that the card calls a classifier: the
            // label is their argmax (the sign of one logit), the probabilities their softmax
            // (sigmoid), as a model trained with cross-entropy on logits means them
            if card.kind == ModelKind::Classification && float_graph.head == Head::Identity {
                let n = float_graph.output_len();
                float_graph.head = if n == 1 { Head::Sigmoid } else { Head::Softmax };
                notes.push(format!(
                    "its output is {} (no {} in the graph) and its card calls it a classifier: zkDx proves the label \
                     as {} and reads probabilities as {}",
                    if n == 1 { "one logit" } else { "logits" },
                    if n == 1 { "sigmoid" } else { "softmax" },
                    if n == 1 { "the logit's sign" } else { "their argmax" },
                    if n == 1 { "its sigmoid" } else { "their softmax" },
                ));
            }
            let names = match (card.kind, &card.labels, &card.output) {
                (ModelKind::Classification, Some(labels), _) => labels.clone(),
                (ModelKind::Regression, _, Some(out)) => vec![out.name.clone()],
                _ => return Err(card_err("a classifier needs `labels`, a regression `output`".into())),
            };
            if float_graph.outputs.is_empty() {
                float_graph.outputs = names;
            } else if float_graph.outputs != names {
                return Err(card_err("its labels differ from those in the ONNX file".into()));
            }
        }
        if float_graph.inputs.is_empty() {
            return Err(ModelError::NoInputRanges);
        }
        let out_len = float_graph.output_len();
        let names_len = if float_graph.head.one_score_two_classes(out_len) { 2 } else { out_len };
        if float_graph.outputs.is_empty() {
            float_graph.outputs = (0..names_len).map(|i| format!("output {i}")).collect();
        }
        if float_graph.outputs.len() != names_len {
            return Err(ModelError::Shape(format!(
                "the model has {names_len} outputs but names {}",
                float_graph.outputs.len()
            )));
        }
        if float_graph.head == Head::Softmax && out_len < 2 {
            return Err(ModelError::Shape("a softmax classifier needs at least two outputs".into()));
        }
        let scale_bits = card.as_ref().and_then(|c| c.scale_bits).or(lowered.scale_bits).unwrap_or(DEFAULT_SCALE_BITS);
        let graph = quantise::quantise(&float_graph, scale_bits)?;
        let bounds = bounds::analyse(&graph)?;
        let digest = digest::digest(&graph);
        let float = FloatModel::new(lowered.typed, graph.input_shape.clone(), lowered.ensemble)?;
        let id = match &card {
            Some(c) => c.id.clone(),
            None => path.file_stem().map_or("model".into(), |s| s.to_string_lossy().into_owned()),
        };
        Ok(Model { id, path: path.to_path_buf(), card, graph, bounds, digest, float, notes })
    }

    /// The same model with another quantised graph of the same shape (bounds and digest
    /// recomputed). For tests and tools that study a modified model.
    pub fn with_graph(&self, graph: Graph) -> Result<Model, ModelError> {
        let bounds = bounds::analyse(&graph)?;
        let digest = digest::digest(&graph);
        Ok(Model { graph, bounds, digest, ..self.clone() })
    }

    /// What a record for this model must hold.
    pub fn schema(&self) -> Schema<'_> {
        let units = self
            .graph
            .inputs
            .iter()
            .map(|i| self.card.as_ref().map_or(String::new(), |c| c.unit(&i.name).to_string()))
            .collect();
        let allowed = self
            .graph
            .inputs
            .iter()
            .map(|i| self.card.as_ref().and_then(|c| c.allowed(&i.name)).map(<[f64]>::to_vec))
            .collect();
        Schema { model_id: &self.id, features: &self.graph.inputs, units, allowed }
    }

    /// Read and check a patient record file (CSV or JSON).
    pub fn read_record(&self, path: &Path) -> Result<Vec<f64>, RecordError> {
        record::read_record(path, &self.schema())
    }

    /// Read a patient's values from a file: a CSV or JSON record, or FHIR R4 observations
    /// (told apart by content), with the unit conversions that FHIR values needed.
    pub fn read_input(&self, path: &Path) -> Result<Imported, RecordError> {
        let (bytes, format) = record::read_file(path)?;
        self.parse_input(&bytes, format)
    }

    /// [`Model::read_input`] from bytes; `format` as [`record::parse_record`] takes it.
    pub fn parse_input(&self, bytes: &[u8], format: Option<record::Format>) -> Result<Imported, RecordError> {
        if format != Some(record::Format::Csv) && fhir::is_fhir(bytes) {
            return self.import_fhir(bytes);
        }
        let values = record::parse_record(bytes, format, &self.schema())?;
        Ok(Imported { values, conversions: Vec::new() })
    }

    /// Read this model's record from a FHIR R4 Observation or Bundle (needs a card).
    pub fn import_fhir(&self, bytes: &[u8]) -> Result<Imported, RecordError> {
        let card = self.card.as_ref().ok_or_else(|| {
            RecordError::Fhir("this model has no card, so no feature codes to find observations by".into())
        })?;
        fhir::import(bytes, card)
    }

    /// Quantise checked feature values.
    pub fn quantise_input(&self, values: &[f64]) -> Vec<i64> {
        values.iter().map(|&v| quantise_input(v, self.graph.scale_bits)).collect()
    }

    /// Run the integer and the float model on checked feature values.
    pub fn diagnose(&self, values: &[f64]) -> Result<Diagnosis, ModelError> {
        let input = self.quantise_input(values);
        let trace = infer::run(&self.graph, &input);
        let quantised = self.interpret(trace.outputs());
        let float_values = self.float.run(values)?;
        let float = interpret_values(&self.graph, float_values);
        let max_error = quantised.values.iter().zip(&float.values).map(|(q, f)| (q - f).abs()).fold(0.0, f64::max);
        Ok(Diagnosis { input, trace, quantised, float, max_error })
    }

    /// Read quantised outputs (from the reference run or a proof's public outputs).
    pub fn interpret(&self, outputs: &[i64]) -> Outcome {
        interpret_quantised(&self.graph, outputs)
    }

    /// One line for an outcome: the label with probabilities, or the scores with their unit.
    pub fn describe(&self, o: &Outcome) -> String {
        let names = &self.graph.outputs;
        match o.label {
            Some(l) => {
                let label = names.get(l).map_or("?", String::as_str);
                let probs: Vec<String> =
                    names.iter().zip(&o.probabilities).map(|(n, &p)| format!("{n} {}", percent_text(p))).collect();
                if self.graph.head == Head::Margins && !o.values.is_empty() {
                    // decision scores, shown as what they are (never as probabilities)
                    let scores: Vec<String> = o.values.iter().map(|v| format!("{v:.3}")).collect();
                    format!(
                        "{label} (decision score{} {})",
                        if scores.len() == 1 { "" } else { "s" },
                        scores.join(", ")
                    )
                } else if probs.is_empty() {
                    label.to_string()
                } else {
                    format!("{label} ({})", probs.join(", "))
                }
            }
            None => {
                let unit = self.card.as_ref().and_then(|c| c.output.as_ref()).map_or("", |o| o.unit.as_str());
                let scores: Vec<String> =
                    names.iter().zip(&o.values).map(|(n, v)| format!("{n} = {v:.2} {unit}")).collect();
                scores.join(", ")
            }
        }
    }

    /// What zkDx rewrote in the ONNX file before lowering it (scikit-learn's ai.onnx.ml
    /// ops; which output it proves), one sentence each; empty for a plain graph.
    pub fn lowering_notes(&self) -> &[String] {
        &self.notes
    }

    /// What the result is, as a code: the card's `result_code`, else the model's entry in
    /// zkDx's local result system (`urn:zkdx:<id>:result`, the id as code).
    pub fn result_coding(&self) -> Coding {
        self.card.as_ref().and_then(|c| c.result_code.clone()).unwrap_or_else(|| Coding {
            system: local_system(&self.id, "result"),
            code: self.id.clone(),
            display: self.name().to_string(),
        })
    }

    /// The card's name, or the id.
    pub fn name(&self) -> &str {
        self.card.as_ref().map_or(&self.id, |c| c.name.as_str())
    }

    /// What a proof discloses unless the patient chooses ([`crate::disclosure::default_for`]
    /// its head): coarse, or the label for decision scores.
    pub fn default_disclosure(&self) -> crate::Disclosure {
        crate::disclosure::default_for(self.graph.head)
    }

    /// The step, in the score's unit, that a coarse disclosure rounds scores to: the card's
    /// `output.resolution`, or 1; for outputs that are probabilities, one percent.
    pub fn score_resolution(&self) -> f64 {
        if self.graph.head == Head::Probabilities {
            return 0.01;
        }
        self.card.as_ref().and_then(|c| c.output.as_ref()).and_then(|o| o.resolution).unwrap_or(1.0)
    }

    /// The card's version, or "unversioned".
    pub fn version(&self) -> &str {
        self.card.as_ref().map_or("unversioned", |c| c.version.as_str())
    }

    /// SHA-256 of the ONNX file's bytes, hex: what a file hash says, next to the zkDx digest
    /// (of the quantised graph; see docs/digest.md) that proofs carry.
    pub fn file_sha256(&self) -> Result<String, ModelError> {
        use sha2::Digest;
        Ok(hex::encode(sha2::Sha256::digest(read_onnx(&self.path)?)))
    }
}

/// Outcome of quantised outputs of `graph`.
pub fn interpret_quantised(graph: &Graph, outputs: &[i64]) -> Outcome {
    let values = outputs.iter().map(|&q| dequantise(q, graph.scale_bits)).collect();
    let mut outcome = interpret_values(graph, values);
    if matches!(graph.head, Head::Softmax | Head::Probabilities) || (graph.head == Head::Margins && outputs.len() > 1) {
        // the integer argmax, tie to the first, exactly as the circuit constrains it
        outcome.label = Some(infer::argmax(outputs));
    }
    outcome
}

fn interpret_values(graph: &Graph, values: Vec<f64>) -> Outcome {
    match graph.head {
        Head::Identity => Outcome { values, label: None, probabilities: Vec::new() },
        Head::Softmax => {
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let exps: Vec<f64> = values.iter().map(|v| (v - max).exp()).collect();
            let sum: f64 = exps.iter().sum();
            let probabilities: Vec<f64> = exps.iter().map(|e| e / sum).collect();
            let label = infer::argmax(&values);
            Outcome { values, label: Some(label), probabilities }
        }
        Head::Probabilities => {
            let probabilities = values.iter().map(|p| p.clamp(0.0, 1.0)).collect();
            let label = infer::argmax(&values);
            Outcome { values, label: Some(label), probabilities }
        }
        Head::Margins if values.len() == 1 => {
            let label = usize::from(values.first().is_some_and(|&z| z >= 0.0));
            Outcome { values, label: Some(label), probabilities: Vec::new() }
        }
        Head::Margins => {
            let label = infer::argmax(&values);
            Outcome { values, label: Some(label), probabilities: Vec::new() }
        }
        Head::Sigmoid => {
            let z = values.first().copied().unwrap_or(0.0);
            let p = 1.0 / (1.0 + (-z).exp());
            Outcome { values, label: Some(usize::from(z >= 0.0)), probabilities: vec![1.0 - p, p] }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::percent_text;

    #[test]
    fn probabilities_never_read_as_certainty() {
        assert_eq!(percent_text(1.0), "≥ 99.5%", "a coarse 100 % is a rounded value");
        assert_eq!(percent_text(0.0), "< 0.5%");
        assert_eq!(percent_text(0.98), "98%");
        assert_eq!(percent_text(0.99985), "> 99.9%");
        assert_eq!(percent_text(0.00015), "< 0.1%");
        assert_eq!(percent_text(0.4567), "45.7%");
    }
}
