//! Drafting a model card (`zkdx card init`): from an ONNX file and the data it was trained
//! on, the features (names from the file's metadata or the CSV header), plausible ranges
//! from the data with a margin, categorical features (a few whole-number values) with their
//! allowed values, the kind of model and its outputs; the human fields are left marked
//! [`FILL_IN`] for the publisher. A model the engine cannot load, bound or quantise is
//! refused with the engine's reason.

use std::path::Path;

use serde_json::json;

use crate::card::{Feature, ModelCard, ModelKind, OutputSpec};
use crate::error::ModelError;
use crate::ir::Head;
use crate::model::Model;

/// The marker of a field only the publisher can fill; `zkdx card sign` refuses a card that
/// still holds it.
pub const FILL_IN: &str = "FILL IN";

/// A column with at most this many distinct whole-number values is categorical.
pub const MAX_CATEGORIES: usize = 10;

/// The fraction of a feature's observed span added on each side of its range.
pub const RANGE_MARGIN: f64 = 0.1;

/// Columns often holding the label rather than a feature, dropped when the CSV has one
/// column more than the model has inputs.
const TARGET_NAMES: &[&str] = &["target", "label", "y", "class", "outcome", "diagnosis"];

/// What `card init` is told besides the files.
#[derive(Debug, Clone, Default)]
pub struct DraftOptions {
    /// The card's id (default: the file's stem).
    pub id: Option<String>,
    /// The class labels, in output order (default: the file's metadata, else `class 0`…).
    pub labels: Option<Vec<String>>,
    /// The CSV column holding the label, to leave out.
    pub target: Option<String>,
}

/// One column's plausible range and, if it is categorical, its values.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSummary {
    /// Plausible minimum: the smallest value seen less a margin (never below 0 for data
    /// that never is).
    pub min: f64,
    /// Plausible maximum: the largest value seen plus a margin.
    pub max: f64,
    /// The values of a categorical column (at most [`MAX_CATEGORIES`] whole numbers).
    pub allowed: Option<Vec<f64>>,
}

/// Summarise one column of training data.
pub fn summarise(values: &[f64]) -> Option<ColumnSummary> {
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    if !lo.is_finite() || !hi.is_finite() {
        return None;
    }
    let mut distinct: Vec<f64> = values.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let categorical = distinct.len() <= MAX_CATEGORIES && distinct.iter().all(|v| v.fract() == 0.0);
    if categorical {
        return Some(ColumnSummary { min: lo, max: hi, allowed: Some(distinct) });
    }
    let margin = RANGE_MARGIN * (hi - lo);
    let min = if lo >= 0.0 { (lo - margin).max(0.0) } else { lo - margin };
    Some(ColumnSummary { min: round_out(min, false), max: round_out(hi + margin, true), allowed: None })
}

/// A bound rounded outwards to 3 significant digits, so a card reads `0–43`, not
/// `0–42.981…`.
fn round_out(x: f64, up: bool) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let step = 10f64.powi(x.abs().log10().floor() as i32 - 2);
    if up {
        (x / step).ceil() * step
    } else {
        (x / step).floor() * step
    }
}

fn fill_in(what: &str) -> String {
    format!("{FILL_IN}: {what}")
}

/// The training data: a header and rows of numbers, the target column left out.
fn read_columns(csv_text: &str, inputs: usize, target: Option<&str>) -> Result<(Vec<String>, Vec<Vec<f64>>), String> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
    let drop = match target {
        Some(t) => Some(header.iter().position(|h| h == t).ok_or_else(|| format!("no column named `{t}`"))?),
        None if header.len() == inputs + 1 => {
            header.iter().position(|h| TARGET_NAMES.contains(&h.to_ascii_lowercase().as_str()))
        }
        None => None,
    };
    let names: Vec<String> =
        header.iter().enumerate().filter(|(i, _)| Some(*i) != drop).map(|(_, h)| h.clone()).collect();
    if names.len() != inputs {
        return Err(format!(
            "the model has {inputs} inputs but the data has {} feature columns{}; name the label column with \
             --target",
            names.len(),
            if drop.is_some() { " after the label column" } else { "" }
        ));
    }
    let mut columns = vec![Vec::new(); inputs];
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        let mut c = 0;
        for (i, field) in row.iter().enumerate() {
            if Some(i) == drop {
                continue;
            }
            let v: f64 = field.parse().map_err(|_| format!("row {}: `{field}` is not a number", n + 2))?;
            if !v.is_finite() {
                return Err(format!("row {}: `{field}` is not a finite number", n + 2));
            }
            if let Some(col) = columns.get_mut(c) {
                col.push(v);
            }
            c += 1;
        }
    }
    if columns.first().is_none_or(Vec::is_empty) {
        return Err("no data rows".into());
    }
    Ok((names, columns))
}

/// A draft card for the ONNX file at `path` (its bytes) from its training data (CSV text):
/// loaded with the card to prove that the engine can use it, with the model's digest.
pub fn draft_card(bytes: &[u8], path: &Path, csv_text: &str, options: &DraftOptions) -> Result<ModelCard, ModelError> {
    let shown = path.display().to_string();
    let lowered = crate::onnx::lower(bytes, &shown)?;
    let graph = &lowered.graph;
    let data_err = |detail: String| ModelError::Data { path: "the training data".into(), detail };
    let (names, columns) = read_columns(csv_text, graph.input_len(), options.target.as_deref()).map_err(data_err)?;
    let declared: Vec<&str> = graph.inputs.iter().map(|i| i.name.as_str()).collect();
    if !declared.is_empty() && declared != names.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(data_err(format!(
            "its columns ({}) are not the model's inputs in order ({})",
            names.join(", "),
            declared.join(", ")
        )));
    }
    let mut features = Vec::with_capacity(names.len());
    for (i, (name, column)) in names.iter().zip(&columns).enumerate() {
        let summary = summarise(column).ok_or_else(|| data_err(format!("column `{name}` has no values")))?;
        // the file's own names and ranges, when it has them, win (a card must match them)
        let (name, min, max) = match graph.inputs.get(i) {
            Some(spec) => (spec.name.clone(), spec.min, spec.max),
            None => (name.clone(), summary.min, summary.max),
        };
        features.push(Feature {
            name,
            unit: fill_in("unit"),
            description: fill_in("what the value is, and how it is measured"),
            min,
            max,
            code: None,
            ucum: None,
            molar_mass: None,
            allowed: summary.allowed,
        });
    }
    let id = options
        .id
        .clone()
        .unwrap_or_else(|| path.file_stem().map_or_else(|| "model".to_string(), |s| s.to_string_lossy().into_owned()));
    // a graph that ends in logits (no softmax or sigmoid) is a classifier when the publisher
    // names its classes: one per output, or two for one logit
    let logits_classes = match (graph.head, &options.labels) {
        (Head::Identity, Some(labels)) => {
            let n = graph.output_len();
            (labels.len() == n.max(2) && n >= 1).then_some(labels.len())
        }
        _ => None,
    };
    let classifier = graph.head != Head::Identity || logits_classes.is_some();
    let out_len = match (graph.head, logits_classes) {
        (head, _) if head.one_score_two_classes(graph.output_len()) => 2,
        (_, Some(classes)) => classes,
        _ => graph.output_len(),
    };
    let (kind, labels, output) = if classifier {
        let labels = options
            .labels
            .clone()
            .or_else(|| (graph.outputs.len() == out_len).then(|| graph.outputs.clone()))
            .unwrap_or_else(|| (0..out_len).map(|i| format!("class {i}")).collect());
        (ModelKind::Classification, Some(labels), None)
    } else {
        if out_len != 1 {
            return Err(ModelError::Shape(format!(
                "a card describes one score; this regression has {out_len} outputs (a classifier whose outputs are \
                 logits: name its classes with --labels)"
            )));
        }
        let name = graph.outputs.first().cloned().unwrap_or_else(|| "score".into());
        let output = OutputSpec {
            name,
            unit: fill_in("the score's unit"),
            description: fill_in("what the score means"),
            resolution: None,
            ucum: None,
        };
        (ModelKind::Regression, None, Some(output))
    };
    let mut card = ModelCard {
        id,
        name: fill_in("the model's name"),
        version: "0.1.0".into(),
        kind,
        intended_use: fill_in("who uses it, for what, on whom"),
        limitations: fill_in("what it must not be used for, and what its data does not cover"),
        features,
        labels,
        output,
        result_code: None,
        training: json!({"train_records": columns.first().map_or(0, Vec::len)}),
        metrics: Default::default(),
        digest: None,
        scale_bits: None,
    };
    // the card as it will be read back from its file: its ranges are part of the digest,
    // and serde_json's default float parsing need not give back the very same f64
    let json = serde_json::to_string(&card).map_err(|e| data_err(e.to_string()))?;
    card = serde_json::from_str(&json).map_err(|e| data_err(e.to_string()))?;
    let model = Model::from_bytes(bytes, path, Some(card.clone()))?;
    card.digest = Some(model.digest().to_string());
    Ok(card)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_get_a_rounded_margin_and_codes_become_allowed_values() {
        let s = summarise(&[10.0, 12.5, 20.0]).unwrap_or(ColumnSummary { min: -1.0, max: -1.0, allowed: None });
        assert_eq!((s.min, s.max, s.allowed), (9.0, 21.0, None));
        let s = summarise(&[0.01, 0.3]).unwrap_or(ColumnSummary { min: -1.0, max: -1.0, allowed: None });
        assert_eq!((s.min, s.max), (0.0, 0.329), "never below 0 for data that never is");
        let s = summarise(&[-5.0, 5.0, 1.5]).unwrap_or(ColumnSummary { min: 0.0, max: 0.0, allowed: None });
        assert_eq!((s.min, s.max), (-6.0, 6.0));
        let s = summarise(&[2.0, 1.0, 2.0, 1.0]).unwrap_or(ColumnSummary { min: 0.0, max: 0.0, allowed: None });
        assert_eq!(s.allowed, Some(vec![1.0, 2.0]));
        let many: Vec<f64> = (0..11).map(f64::from).collect();
        assert_eq!(summarise(&many).map(|s| s.allowed), Some(None), "eleven values are a measurement");
    }

    #[test]
    fn the_label_column_is_left_out_and_counts_must_match() {
        let (names, cols) = read_columns("a,b,target\n1,2,0\n3,4,1\n", 2, None).unwrap_or_default();
        assert_eq!(names, vec!["a", "b"]);
        assert_eq!(cols, vec![vec![1.0, 3.0], vec![2.0, 4.0]]);
        assert!(read_columns("a,b,c\n1,2,3\n", 2, None).is_err_and(|e| e.contains("--target")));
        assert!(read_columns("a,b\n1,x\n", 2, None).is_err_and(|e| e.contains("row 2")));
    }
}
