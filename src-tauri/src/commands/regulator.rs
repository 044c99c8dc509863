//! The regulator's commands: inspect a model file and compare it with a bundle's model.

use std::path::Path;

use serde::Serialize;
use zkdx_bundle::format::read_bundle_file;
use zkdx_bundle::ProofBundle;
use zkdx_model::Model;

use crate::models;

use super::{UiError, UiResult};

/// One op for the regulator's table.
#[derive(Debug, Serialize)]
pub struct OpView {
    kind: String,
    /// What it is in ONNX's terms.
    onnx: String,
    detail: String,
    parameters: usize,
}

/// One input feature, for the regulator.
#[derive(Debug, Serialize)]
pub struct FeatureView {
    name: String,
    unit: String,
    min: f64,
    max: f64,
}

/// One disclosure's circuit, for the regulator.
#[derive(Debug, Serialize)]
pub struct CircuitView {
    disclosure: String,
    /// What a proof of it makes public, in words.
    discloses: String,
    rows: usize,
    fingerprint: String,
}

/// What a regulator sees of a model file.
#[derive(Debug, Serialize)]
pub struct InspectView {
    id: String,
    name: String,
    digest: String,
    file_sha256: String,
    parameters: usize,
    macs: usize,
    scale_bits: u32,
    ops: Vec<OpView>,
    shipped_match: Option<String>,
    /// `classification` or `regression`.
    kind: &'static str,
    features: Vec<FeatureView>,
    /// Class labels, or the score's name with its unit.
    outputs: Vec<String>,
    circuits: Vec<CircuitView>,
}

/// Inspect a model file: ops, parameters, digest, and which shipped model (if any) has the
/// same digest.
#[tauri::command]
pub async fn inspect_model(path: String) -> UiResult<InspectView> {
    let task = tauri::async_runtime::spawn_blocking(move || {
        let m = Model::load(Path::new(&path)).map_err(|e| e.to_string())?;
        let mut len = m.graph().input_len();
        let mut ops = Vec::new();
        for op in &m.graph().ops {
            ops.push(OpView {
                kind: op.kind().into(),
                onnx: op.onnx_terms().into(),
                detail: op.detail(len),
                parameters: op.parameters(),
            });
            len = op.output_len(len);
        }
        let schema = m.schema();
        let features = m
            .graph()
            .inputs
            .iter()
            .zip(&schema.units)
            .map(|(i, unit)| FeatureView { name: i.name.clone(), unit: unit.clone(), min: i.min, max: i.max })
            .collect();
        let unit = m.card().and_then(|c| c.output.as_ref()).map(|o| o.unit.clone());
        let classifier = m.graph().is_classifier();
        let outputs = match (&unit, classifier) {
            (Some(u), false) => m.graph().outputs.iter().map(|o| format!("{o} ({u})")).collect(),
            _ => m.graph().outputs.clone(),
        };
        let mut circuits = Vec::new();
        for disclosure in zkdx_model::disclosure::available(m.graph().head) {
            let circuit = zkdx_circuit::ModelCircuit::build(&m, disclosure).map_err(|e| e.to_string())?;
            circuits.push(CircuitView {
                disclosure: disclosure.to_string(),
                discloses: disclosure.explain().to_string(),
                rows: 1 << circuit.stats().degree_bits,
                fingerprint: circuit.verifier_fingerprint(),
            });
        }
        let digest = m.digest().to_string();
        let shipped_match = models::catalogue()
            .summaries()
            .unwrap_or_default()
            .into_iter()
            .find(|s| s.digest == digest)
            .map(|s| format!("{} (version {})", s.name, s.version));
        Ok::<_, UiError>(InspectView {
            id: m.id().to_string(),
            name: m.name().into(),
            digest,
            file_sha256: m.file_sha256().map_err(|e| e.to_string())?,
            parameters: m.graph().parameters(),
            macs: m.graph().macs(),
            scale_bits: m.graph().scale_bits,
            ops,
            shipped_match,
            kind: if classifier { "classification" } else { "regression" },
            features,
            outputs,
            circuits,
        })
    });
    task.await.map_err(|e| format!("the inspection failed: {e}"))?
}

/// Does a model file's digest equal the one a bundle names?
#[tauri::command]
pub fn compare_with_bundle(model_digest: String, bundle_path: String) -> UiResult<bool> {
    let bytes = read_bundle_file(Path::new(&bundle_path))?;
    let bundle = ProofBundle::from_bytes(&bytes).map_err(|e| e.to_string())?;
    Ok(bundle.model.digest == model_digest)
}
