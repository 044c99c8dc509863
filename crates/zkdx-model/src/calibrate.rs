//! Choosing a model's fixed-point scale by measurement (`zkdx calibrate`): the same model
//! quantised at several scales 2^k, each run on the publisher's data beside the float
//! model, with its label (or score) agreement, worst output error and field headroom. The
//! circuit's size at each scale is the caller's to add (the circuit crate builds it).

use crate::bounds::LIMIT_BITS;
use crate::card::ModelCard;
use crate::error::ModelError;
use crate::model::{read_onnx, Model};
use crate::record::{parse_record, Format};

/// The scales tried, as fractional bits.
pub const CANDIDATE_SCALES: [u32; 7] = [8, 10, 12, 14, 16, 18, 20];

/// The publisher's records in the model's feature order, from a CSV whose header names the
/// card's features (other columns, such as a target, are ignored), and how many rows were
/// left out because a value is outside the card's ranges or allowed values (each with why,
/// the first few).
#[derive(Debug, Clone, Default)]
pub struct CalibrationData {
    /// The records.
    pub records: Vec<Vec<f64>>,
    /// Rows left out.
    pub skipped: usize,
    /// Why the first rows were left out.
    pub reasons: Vec<String>,
}

/// Read `csv_text` (the file `source`, named in errors) for `model`.
pub fn read_data(model: &Model, csv_text: &str, source: &str) -> Result<CalibrationData, ModelError> {
    let bad = |detail: String| ModelError::Data { path: source.to_string(), detail };
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().map_err(|e| bad(e.to_string()))?.iter().map(str::to_string).collect();
    let features = &model.graph().inputs;
    let columns: Vec<usize> = features
        .iter()
        .map(|f| header.iter().position(|h| *h == f.name).ok_or_else(|| bad(format!("no column named `{}`", f.name))))
        .collect::<Result<_, _>>()?;
    let schema = model.schema();
    let mut data = CalibrationData::default();
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| bad(e.to_string()))?;
        // one JSON record per row, so that any feature name reads back as it is
        let record: serde_json::Map<String, serde_json::Value> =
            features.iter().zip(&columns).map(|(f, &c)| (f.name.clone(), row.get(c).unwrap_or("").into())).collect();
        let record = serde_json::to_vec(&record).map_err(|e| bad(e.to_string()))?;
        match parse_record(&record, Some(Format::Json), &schema) {
            Ok(x) => data.records.push(x),
            Err(e) => {
                data.skipped += 1;
                if data.reasons.len() < 3 {
                    data.reasons.push(format!("row {}: {e}", n + 1));
                }
            }
        }
    }
    if data.records.is_empty() {
        let first = data.reasons.first().map(|r| format!(" ({r})")).unwrap_or_default();
        return Err(bad(format!("no row is within the card's ranges{first}")));
    }
    Ok(data)
}

/// What one scale measured on the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Records run.
    pub records: usize,
    /// Records whose quantised label (classifiers) equals the float one, or whose quantised
    /// score is within half the card's resolution of the float one (regressions).
    pub agreeing: usize,
    /// Worst |quantised − float| over every output (logits or scores).
    pub worst_error: f64,
    /// Bits left between the widest accumulator and the field's limit.
    pub headroom_bits: u32,
}

/// The card calibration writes into: `model`'s own (a model without one is refused).
pub fn card_of(model: &Model) -> Result<ModelCard, ModelError> {
    model.card().cloned().ok_or_else(|| ModelError::Card {
        path: model.path().with_extension("json").display().to_string(),
        detail: "there is none, and calibration writes into it: make one first (`zkdx card init`)".into(),
    })
}

/// `model` quantised at 2^`bits` instead of its own scale (its card says which scale it
/// uses; the digest changes with it).
pub fn at_scale(model: &Model, bits: u32) -> Result<Model, ModelError> {
    let mut card = card_of(model)?;
    card.scale_bits = Some(bits);
    card.digest = None;
    Model::from_bytes(&read_onnx(model.path())?, model.path(), Some(card))
}

/// Run `model` (at its scale) on every record beside the float model.
pub fn measure(model: &Model, records: &[Vec<f64>]) -> Result<Agreement, ModelError> {
    let classifier = model.graph().is_classifier();
    let half = model.score_resolution() / 2.0;
    let (mut agreeing, mut worst_error) = (0, 0.0f64);
    for x in records {
        let d = model.diagnose(x)?;
        worst_error = worst_error.max(d.max_error);
        agreeing += usize::from(if classifier {
            d.quantised.label == d.float.label
        } else {
            d.quantised.values.iter().zip(&d.float.values).all(|(q, f)| (q - f).abs() <= half)
        });
    }
    let widest = model.bounds().accumulator_bits.iter().copied().max().unwrap_or(0);
    Ok(Agreement { records: records.len(), agreeing, worst_error, headroom_bits: LIMIT_BITS.saturating_sub(widest) })
}

/// One scale's outcome: measured, or why the model cannot be quantised at it (a field
/// overflow, a sigmoid table that needs more bits).
pub struct Trial {
    /// Fractional bits.
    pub scale_bits: u32,
    /// What was measured, or why not.
    pub outcome: Result<(Agreement, Model), String>,
}

/// Every candidate scale tried on `records`.
pub fn trials(model: &Model, records: &[Vec<f64>]) -> Vec<Trial> {
    CANDIDATE_SCALES
        .iter()
        .map(|&bits| Trial {
            scale_bits: bits,
            outcome: at_scale(model, bits)
                .and_then(|m| measure(&m, records).map(|a| (a, m)))
                .map_err(|e| e.to_string()),
        })
        .collect()
}

/// A measured scale: its fractional bits, what it measured, and its circuit's rows.
pub type Candidate<'a> = (u32, &'a Agreement, usize);

/// The scale to use: among candidates whose agreement is the best measured and whose worst
/// error is at most `tolerance`, the one with the fewest circuit rows (ties go to the larger
/// scale, the more exact); without one within `tolerance`, the best-agreeing candidate with
/// the smallest error.
pub fn choose(candidates: &[Candidate<'_>], tolerance: f64) -> Option<u32> {
    let best = candidates.iter().map(|(_, a, _)| a.agreeing).max()?;
    let top: Vec<&Candidate<'_>> = candidates.iter().filter(|(_, a, _)| a.agreeing == best).collect();
    let within = top.iter().filter(|(_, a, _)| a.worst_error <= tolerance);
    if let Some(pick) = within.min_by_key(|(bits, _, rows)| (*rows, std::cmp::Reverse(*bits))) {
        return Some(pick.0);
    }
    top.iter().min_by(|x, y| x.1.worst_error.total_cmp(&y.1.worst_error)).map(|c| c.0)
}

/// Write the chosen scale and what it measured into `card` (its digest, if it has one,
/// becomes the model's at that scale).
pub fn record_choice(card: &mut ModelCard, chosen: &Model, a: &Agreement) {
    card.scale_bits = Some(chosen.graph().scale_bits);
    if card.digest.is_some() {
        card.digest = Some(chosen.digest().to_string());
    }
    let round = |v: f64| (v * 1e6).round() / 1e6;
    card.metrics.insert("calibration_records".into(), a.records as f64);
    card.metrics.insert("calibration_agreement".into(), round(a.agreeing as f64 / a.records as f64));
    card.metrics.insert("calibration_worst_error".into(), round(a.worst_error));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agreement(agreeing: usize, worst_error: f64) -> Agreement {
        Agreement { records: 10, agreeing, worst_error, headroom_bits: 20 }
    }

    #[test]
    fn the_best_agreeing_scale_within_tolerance_with_the_fewest_rows_is_chosen() {
        let (a8, a12, a16, a20) = (agreement(9, 0.5), agreement(10, 0.02), agreement(10, 0.004), agreement(10, 0.001));
        // 2^8 disagrees once; 2^12 is outside the tolerance; 2^16 and 2^20 tie on rows
        let c = [(8, &a8, 256), (12, &a12, 256), (16, &a16, 512), (20, &a20, 512)];
        assert_eq!(choose(&c, 0.01), Some(20));
        // fewer rows win within the tolerance
        let c = [(12, &a12, 256), (16, &a16, 256), (20, &a20, 512)];
        assert_eq!(choose(&c, 0.01), Some(16));
        // none within it: the best-agreeing scale with the smallest error
        assert_eq!(choose(&c, 0.0), Some(20));
        // agreement comes first, whatever the cost
        let c = [(8, &a8, 128), (20, &a20, 4096)];
        assert_eq!(choose(&c, 1.0), Some(20));
        assert_eq!(choose(&[], 1.0), None);
    }
}
