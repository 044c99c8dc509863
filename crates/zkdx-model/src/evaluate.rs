//! Accuracy of the quantised model against the float model on a labelled test split
//! (`models/data/<id>-test.csv`: the features plus a `label` or `target` column).

use std::path::Path;

use crate::error::ModelError;
use crate::model::Model;
use crate::record::{parse_record, Format, Schema};

/// What an evaluation measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Records evaluated.
    pub records: usize,
    /// Records whose quantised label (or rounded score) equals the float one.
    pub agreeing: usize,
    /// Float model accuracy (classifiers) against the reference labels.
    pub float_accuracy: Option<f64>,
    /// Quantised model accuracy (classifiers).
    pub quantised_accuracy: Option<f64>,
    /// Float mean absolute error (regressions).
    pub float_mae: Option<f64>,
    /// Quantised mean absolute error (regressions).
    pub quantised_mae: Option<f64>,
    /// Worst |quantised − float| logit or score over all records.
    pub worst_error: f64,
}

/// Evaluate `model` on a test split.
pub fn evaluate(model: &Model, data: &Path) -> Result<Evaluation, ModelError> {
    let bad = |detail: String| ModelError::Card { path: data.display().to_string(), detail };
    let text = std::fs::read_to_string(data).map_err(|e| bad(e.to_string()))?;
    let mut lines = text.lines();
    let header = lines.next().ok_or_else(|| bad("empty test split".into()))?;
    let columns: Vec<&str> = header.split(',').collect();
    let target = columns.len().checked_sub(1).ok_or_else(|| bad("no columns".into()))?;
    let feature_header = columns[..target].join(",");
    let schema: Schema<'_> = model.schema();
    let labels = &model.graph.outputs;
    let classifier = model.graph.is_classifier();
    let mut e = Evaluation {
        records: 0,
        agreeing: 0,
        float_accuracy: None,
        quantised_accuracy: None,
        float_mae: None,
        quantised_mae: None,
        worst_error: 0.0,
    };
    let (mut float_hits, mut quant_hits, mut float_abs, mut quant_abs) = (0usize, 0usize, 0.0, 0.0);
    for (n, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let (values, truth) = line.rsplit_once(',').ok_or_else(|| bad(format!("row {} has no target", n + 1)))?;
        let record = format!("{feature_header}\n{values}\n");
        let x = parse_record(record.as_bytes(), Some(Format::Csv), &schema)
            .map_err(|err| bad(format!("row {}: {err}", n + 1)))?;
        let d = model.diagnose(&x)?;
        e.records += 1;
        e.worst_error = e.worst_error.max(d.max_error);
        if classifier {
            let truth =
                labels.iter().position(|l| l == truth).ok_or_else(|| bad(format!("unknown label `{truth}`")))?;
            e.agreeing += usize::from(d.quantised.label == d.float.label);
            float_hits += usize::from(d.float.label == Some(truth));
            quant_hits += usize::from(d.quantised.label == Some(truth));
        } else {
            let truth: f64 = truth.parse().map_err(|_| bad(format!("target `{truth}` is not a number")))?;
            let (q, f) = (d.quantised.values[0], d.float.values[0]);
            e.agreeing += usize::from((q - f).abs() < 0.5);
            float_abs += (f - truth).abs();
            quant_abs += (q - truth).abs();
        }
    }
    if e.records == 0 {
        return Err(bad("no records".into()));
    }
    let n = e.records as f64;
    if classifier {
        e.float_accuracy = Some(float_hits as f64 / n);
        e.quantised_accuracy = Some(quant_hits as f64 / n);
    } else {
        e.float_mae = Some(float_abs / n);
        e.quantised_mae = Some(quant_abs / n);
    }
    Ok(e)
}
