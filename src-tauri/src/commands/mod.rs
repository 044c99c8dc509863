//! The commands the UI calls, one module per user (Tauri's `examples/api` layout). Each
//! command is a thin adapter: it turns UI values into engine calls and engine results into
//! what the UI shows. Here: what every screen shares (errors as the UI shows them, the
//! model list, results, file dialogs, the status bar).

pub mod clinician;
pub mod patient;
pub mod regulator;

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use zkdx_bundle::signature::fingerprint;
use zkdx_circuit::Challenge;
use zkdx_model::error::RecordError;
use zkdx_model::io::write_atomically;
use zkdx_model::model::Outcome;
use zkdx_model::Model;

use zkdx_bundle::workflow::WorkflowError;
use zkdx_model::catalogue::{CatalogueError, ModelSummary};

use crate::models;
use crate::state::AppState;

/// An error as the UI shows it: the message, and the feature it belongs next to.
#[derive(Debug, Serialize)]
pub struct UiError {
    message: String,
    feature: Option<String>,
}

impl From<String> for UiError {
    fn from(message: String) -> Self {
        UiError { message, feature: None }
    }
}

impl From<zkdx_bundle::fhir::NotExportable> for UiError {
    fn from(e: zkdx_bundle::fhir::NotExportable) -> Self {
        UiError { message: e.to_string(), feature: None }
    }
}

impl From<WorkflowError> for UiError {
    fn from(e: WorkflowError) -> Self {
        UiError { message: e.to_string(), feature: None }
    }
}

impl From<CatalogueError> for UiError {
    fn from(e: CatalogueError) -> Self {
        UiError { message: e.to_string(), feature: None }
    }
}

impl From<RecordError> for UiError {
    fn from(e: RecordError) -> Self {
        let feature = match &e {
            RecordError::NotANumber { feature, .. }
            | RecordError::NonFinite { feature, .. }
            | RecordError::OutOfRange { feature, .. }
            | RecordError::NotAllowed { feature, .. }
            | RecordError::Duplicate(feature) => Some(feature.clone()),
            RecordError::Missing(list) => list.first().cloned(),
            _ => None,
        };
        UiError { message: e.to_string(), feature }
    }
}

pub(crate) type UiResult<T> = Result<T, UiError>;

/// The shipped models.
#[tauri::command]
pub fn list_models() -> UiResult<Vec<ModelSummary>> {
    Ok(models::catalogue().summaries()?)
}

/// A result as the UI shows it.
#[derive(Debug, Serialize)]
pub struct OutcomeView {
    text: String,
    label: Option<String>,
    bars: Vec<(String, f64)>,
    scores: Vec<(String, f64)>,
    unit: Option<String>,
}

pub(crate) fn outcome_view(model: &Model, o: &Outcome) -> OutcomeView {
    let names = &model.graph().outputs;
    OutcomeView {
        text: model.describe(o),
        label: o.label.and_then(|l| names.get(l).cloned()),
        bars: names.iter().cloned().zip(o.probabilities.iter().copied()).collect(),
        scores: if o.label.is_none() { names.iter().cloned().zip(o.values.iter().copied()).collect() } else { vec![] },
        unit: model.card().and_then(|c| c.output.as_ref()).map(|u| u.unit.clone()),
    }
}

/// Ask for a file with the native dialog; `kind` is `record`, `bundle` or `model`.
#[tauri::command]
pub async fn pick_file(app: AppHandle, kind: String) -> UiResult<Option<String>> {
    let (name, ext): (&str, &[&str]) = match kind.as_str() {
        "record" => ("Patient record (CSV, JSON or FHIR R4)", &["csv", "json"]),
        "bundle" => ("zkDx proof bundle", &["json"]),
        "model" => ("ONNX model", &["onnx"]),
        "trust" => ("zkDx trust list", &["json"]),
        _ => return Err(format!("unknown file kind `{kind}`").into()),
    };
    let picked = app.dialog().file().add_filter(name, ext).blocking_pick_file();
    Ok(picked.and_then(|p| p.into_path().ok()).map(|p| p.display().to_string()))
}

/// A challenge code typed or pasted in a field: empty is none.
pub(crate) fn parse_challenge(code: Option<&str>) -> UiResult<Option<Challenge>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => Ok(Some(c.parse().map_err(|e| format!("the challenge code: {e}"))?)),
    }
}

/// Write bundle `bytes` to `path`, or where the native save dialog says (offering
/// `file_name`); `None` when the user closes the dialog.
pub(crate) fn save_bundle_bytes(
    app: &AppHandle,
    path: Option<String>,
    file_name: Option<String>,
    bytes: &[u8],
) -> UiResult<Option<String>> {
    save_file(app, path, ("zkDx proof bundle", "json"), file_name, bytes)
}

/// Write `bytes` to `path`, or where the native save dialog (with `filter`: a name and an
/// extension) says, offering `file_name`; `None` when the user closes the dialog.
pub(crate) fn save_file(
    app: &AppHandle,
    path: Option<String>,
    filter: (&str, &str),
    file_name: Option<String>,
    bytes: &[u8],
) -> UiResult<Option<String>> {
    let path = match path {
        Some(p) => PathBuf::from(p),
        None => {
            let mut dialog = app.dialog().file().add_filter(filter.0, &[filter.1]);
            if let Some(name) = file_name {
                dialog = dialog.set_file_name(name);
            }
            match dialog.blocking_save_file() {
                Some(p) => p.into_path().map_err(|e| format!("cannot save there: {e}"))?,
                None => return Ok(None),
            }
        }
    };
    write_atomically(&path, bytes).map_err(|e| format!("cannot save {}: {e}", path.display()))?;
    Ok(Some(path.display().to_string()))
}

/// The device key and history status, for the header.
#[derive(Debug, Serialize)]
pub struct StatusView {
    device_key: Option<String>,
    history_file: Option<String>,
    problem: Option<String>,
}

/// Whether the keyring gave the device keys.
#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> StatusView {
    StatusView {
        device_key: state.keys.signing.as_ref().map(|k| fingerprint(k.verifying_key().as_bytes())),
        history_file: state.history.as_ref().map(|h| h.path().display().to_string()),
        problem: state.keys.problem.clone(),
    }
}
