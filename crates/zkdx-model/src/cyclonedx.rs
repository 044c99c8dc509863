//! A model as a CycloneDX 1.6 ML-BOM: one `machine-learning-model` component whose
//! `modelCard` is filled from zkDx's model card and measured accuracy, with the ONNX file's
//! SHA-256 in `hashes` and the zkDx digest (and what the caller adds, such as circuit
//! fingerprints) in `properties`.
//!
//! The model card sections follow CycloneDX's `modelCard` (itself modelled on Google's Model
//! Card Toolkit): model parameters (approach, task, architecture, datasets, inputs, outputs),
//! quantitative analysis (metrics with 95 % confidence intervals) and considerations.

use serde_json::{json, Value};

use crate::card::ModelKind;
use crate::evaluate::Evaluation;
use crate::ir::Op;
use crate::Model;

/// What the BOM needs besides the model.
pub struct BomContext<'a> {
    /// 16 random bytes for the BOM's serial number (a version-4 UUID).
    pub serial: [u8; 16],
    /// When the BOM was made (RFC 3339).
    pub timestamp: &'a str,
    /// The tool's version (zkDx's).
    pub tool_version: &'a str,
    /// The ONNX file's SHA-256 (hex).
    pub file_sha256: &'a str,
    /// The measured accuracy on the held-out split, if there is one.
    pub evaluation: Option<&'a Evaluation>,
    /// Extra `zkdx:` properties (name, value), such as verifier-data fingerprints.
    pub properties: Vec<(String, String)>,
}

/// A version-4 UUID URN from 16 random bytes.
fn uuid_urn(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    format!("urn:uuid:{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn architecture_family(model: &Model) -> &'static str {
    let ops = &model.graph().ops;
    if ops.iter().any(|op| matches!(op, Op::Conv2d { .. })) {
        "convolutional neural network"
    } else if ops.iter().filter(|op| matches!(op, Op::Dense { .. })).count() > 1 {
        "multilayer perceptron"
    } else {
        "linear model"
    }
}

fn architecture(model: &Model) -> String {
    let mut len = model.graph().input_len();
    let mut parts = Vec::new();
    for op in &model.graph().ops {
        parts.push(format!("{} {}", op.kind(), op.detail(len)));
        len = op.output_len(len);
    }
    format!(
        "{}; {} parameters, quantised to integers at scale 2^{}",
        parts.join(" → "),
        model.graph().parameters(),
        model.graph().scale_bits
    )
}

fn metric(kind: &str, value: f64, slice: String, ci: (f64, f64)) -> Value {
    json!({
        "type": kind,
        "value": format!("{value:.4}"),
        "slice": slice,
        "confidenceInterval": { "lowerBound": format!("{:.4}", ci.0), "upperBound": format!("{:.4}", ci.1) },
    })
}

/// The ML-BOM of `model` (CycloneDX 1.6 JSON).
pub fn ml_bom(model: &Model, cx: &BomContext<'_>) -> Value {
    let card = model.card();
    let units = |name: &str| card.map_or("", |c| c.unit(name));
    let inputs: Vec<Value> = model
        .graph()
        .inputs
        .iter()
        .map(|i| {
            let unit = units(&i.name);
            let unit = if unit.is_empty() { String::new() } else { format!(" {unit}") };
            json!({ "format": format!("{}: number, {}–{}{unit}", i.name, i.min, i.max) })
        })
        .collect();
    let classifier = model.graph().is_classifier();
    let outputs = if classifier {
        vec![
            json!({ "format": format!("class label ({}) with class probabilities", model.graph().outputs.join(" | ")) }),
        ]
    } else {
        let unit = card.and_then(|c| c.output.as_ref()).map_or(String::new(), |o| format!(" in {}", o.unit));
        model.graph().outputs.iter().map(|o| json!({ "format": format!("{o}: number{unit}") })).collect()
    };
    let mut metrics = Vec::new();
    if let Some(e) = cx.evaluation {
        let slice = |which: &str| format!("{which}, held-out test split ({} records)", e.records);
        let (float, quantised) = (slice("float model"), slice("quantised model (the one zkDx proves)"));
        if let (Some(f), Some(q)) = (e.float_accuracy, e.quantised_accuracy) {
            metrics.push(metric("accuracy", f, float, e.float_ci));
            metrics.push(metric("accuracy", q, quantised, e.quantised_ci));
        } else if let (Some(f), Some(q)) = (e.float_mae, e.quantised_mae) {
            metrics.push(metric("mean absolute error", f, float, e.float_ci));
            metrics.push(metric("mean absolute error", q, quantised, e.quantised_ci));
        }
    }
    let training = card.map(|c| &c.training);
    let text = |key: &str| training.and_then(|t| t.get(key)).and_then(Value::as_str).map(str::to_string);
    let count = |key: &str| training.and_then(|t| t.get(key)).and_then(Value::as_u64);
    let mut datasets = Vec::new();
    if let Some(name) = text("data_set") {
        let mut d = json!({ "type": "dataset", "name": name });
        if let (Some(train), Some(test)) = (count("train_records"), count("test_records")) {
            d["description"] = format!("{train} records for training, {test} held out for testing").into();
        }
        datasets.push(d);
    }
    let kind = match card.map(|c| c.kind) {
        Some(ModelKind::Regression) => "regression",
        Some(ModelKind::Classification) => "classification",
        None if classifier => "classification",
        None => "regression",
    };
    let mut parameters = json!({
        "approach": { "type": "supervised" },
        "task": kind,
        "architectureFamily": architecture_family(model),
        "modelArchitecture": architecture(model),
        "inputs": inputs,
        "outputs": outputs,
    });
    if !datasets.is_empty() {
        parameters["datasets"] = datasets.into();
    }
    let mut limitations = Vec::new();
    if let Some(c) = card {
        limitations.push(c.limitations.clone());
    }
    if let Some(e) = cx.evaluation {
        limitations.push(format!(
            "Integer (fixed-point) model: the worst difference from the float model on the test split is {:.6} \
             (logit or score); {} of {} test records give the same result.",
            e.worst_error, e.agreeing, e.records
        ));
    }
    let mut considerations = json!({
        "technicalLimitations": limitations,
        "performanceTradeoffs": [
            "Each result can be proven in zero knowledge (plonky2); a proof discloses the label and whole-percent \
             probabilities (or a rounded score) by default, the exact outputs only on request."
        ],
    });
    if let Some(c) = card {
        considerations["useCases"] = json!([c.intended_use]);
    }
    let mut properties: Vec<Value> = vec![
        json!({ "name": "zkdx:digest", "value": model.digest().to_string() }),
        json!({ "name": "zkdx:scale_bits", "value": model.graph().scale_bits.to_string() }),
        json!({ "name": "zkdx:parameters", "value": model.graph().parameters().to_string() }),
    ];
    properties.extend(cx.properties.iter().map(|(k, v)| json!({ "name": k, "value": v })));
    let mut component = json!({
        "type": "machine-learning-model",
        "bom-ref": format!("zkdx-model:{}", model.id()),
        "name": model.name(),
        "version": model.version(),
        "hashes": [{ "alg": "SHA-256", "content": cx.file_sha256 }],
        "modelCard": {
            "modelParameters": parameters,
            "considerations": considerations,
        },
        "properties": properties,
    });
    if let Some(c) = card {
        component["description"] = c.intended_use.clone().into();
    }
    if !metrics.is_empty() {
        component["modelCard"]["quantitativeAnalysis"] = json!({ "performanceMetrics": metrics });
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": uuid_urn(cx.serial),
        "version": 1,
        "metadata": {
            "timestamp": cx.timestamp,
            "tools": { "components": [{ "type": "application", "name": "zkdx", "version": cx.tool_version }] },
        },
        "components": [component],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_are_version_4_uuids() {
        let urn = uuid_urn([0xff; 16]);
        assert_eq!(urn, "urn:uuid:ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_urn([0; 16]), "urn:uuid:00000000-0000-4000-8000-000000000000");
    }
}
