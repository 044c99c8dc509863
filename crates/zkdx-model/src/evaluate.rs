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
    /// 95 % confidence interval of the float model's accuracy (Wilson score interval) or
    /// mean absolute error (normal approximation).
    pub float_ci: (f64, f64),
    /// The same for the quantised model.
    pub quantised_ci: (f64, f64),
}

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval (95 %) of a proportion of `hits` in `n` trials: unlike the
/// normal approximation, it stays inside [0, 1] near 100 % accuracy on small test splits.
pub fn wilson_interval(hits: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (n, p) = (n as f64, hits as f64 / n as f64);
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A 95 % interval of a mean from its sum and sum of squares over `n` values (normal
/// approximation, sample standard deviation).
fn mean_interval(sum: f64, sum_sq: f64, n: usize) -> (f64, f64) {
    let nf = n as f64;
    let mean = sum / nf;
    let var = if n > 1 { ((sum_sq - nf * mean * mean) / (nf - 1.0)).max(0.0) } else { 0.0 };
    let half = Z95 * (var / nf).sqrt();
    ((mean - half).max(0.0), mean + half)
}

/// Evaluate `model` on a test split.
pub fn evaluate(model: &Model, data: &Path) -> Result<Evaluation, ModelError> {
    let bad = |detail: String| ModelError::Data { path: data.display().to_string(), detail };
    let bytes = crate::io::read_limited(data, crate::io::MAX_DATA_BYTES).map_err(|e| bad(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?;
    let mut lines = text.lines();
    let header = lines.next().ok_or_else(|| bad("empty test split".into()))?;
    let columns: Vec<&str> = header.split(',').collect();
    let target = columns.len().checked_sub(1).ok_or_else(|| bad("no columns".into()))?;
    let feature_header = columns[..target].join(",");
    let schema: Schema<'_> = model.schema();
    let labels = &model.graph().outputs;
    let classifier = model.graph().is_classifier();
    let mut e = Evaluation {
        records: 0,
        agreeing: 0,
        float_accuracy: None,
        quantised_accuracy: None,
        float_mae: None,
        quantised_mae: None,
        worst_error: 0.0,
        float_ci: (0.0, 0.0),
        quantised_ci: (0.0, 0.0),
    };
    let (mut float_hits, mut quant_hits, mut float_abs, mut quant_abs) = (0usize, 0usize, 0.0, 0.0);
    let (mut float_sq, mut quant_sq) = (0.0, 0.0);
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
            float_sq += (f - truth).powi(2);
            quant_sq += (q - truth).powi(2);
        }
    }
    if e.records == 0 {
        return Err(bad("no records".into()));
    }
    let n = e.records as f64;
    if classifier {
        e.float_accuracy = Some(float_hits as f64 / n);
        e.quantised_accuracy = Some(quant_hits as f64 / n);
        e.float_ci = wilson_interval(float_hits, e.records);
        e.quantised_ci = wilson_interval(quant_hits, e.records);
    } else {
        e.float_mae = Some(float_abs / n);
        e.quantised_mae = Some(quant_abs / n);
        e.float_ci = mean_interval(float_abs, float_sq, e.records);
        e.quantised_ci = mean_interval(quant_abs, quant_sq, e.records);
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_a_worked_value_and_stays_in_bounds() {
        // 138 of 143 (the breast-cancer split): p = 0.965, Wilson 95 % ≈ [0.921, 0.985]
        let (lo, hi) = wilson_interval(138, 143);
        assert!((lo - 0.9207).abs() < 1e-3 && (hi - 0.9850).abs() < 1e-3, "{lo} {hi}");
        let (lo, hi) = wilson_interval(10, 10);
        assert!(lo > 0.69 && lo < 0.73 && (hi - 1.0).abs() < 1e-12, "{lo} {hi}");
        assert_eq!(wilson_interval(0, 0), (0.0, 1.0));
    }

    #[test]
    fn mean_interval_is_centred_on_the_mean() {
        let values = [1.0, 2.0, 3.0, 4.0];
        let (sum, sq) = (values.iter().sum::<f64>(), values.iter().map(|v| v * v).sum::<f64>());
        let (lo, hi) = mean_interval(sum, sq, values.len());
        assert!(((lo + hi) / 2.0 - 2.5).abs() < 1e-12);
        // sample sd = 1.291; half width = 1.96 · 1.291 / 2
        assert!(((hi - lo) / 2.0 - Z95 * 1.290_994_448_7 / 2.0).abs() < 1e-6);
    }
}
