//! The patient's commands: diagnose a record, load one (CSV, JSON, FHIR), prove in the
//! background with a channel per proof, cancel, save, and the encrypted history.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::Ordering;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use zkdx_bundle::make::disclosed_outcome;
use zkdx_bundle::signature::{fingerprint, sign};
use zkdx_bundle::workflow::{check_bundle_bytes, estimate_text, prove_diagnosis_with, ProveOptions};
use zkdx_bundle::TrustList;
use zkdx_model::record::{parse_record, Format};
use zkdx_model::{Disclosure, Model};

use crate::history::HistoryEntry;
use crate::models;
use crate::state::AppState;

use super::clinician::{trust_path, verdict_view, VerdictView};
use super::{outcome_view, parse_challenge, save_bundle_bytes, OutcomeView, UiResult};

/// Form values → checked feature values, through the engine's record reader.
fn checked_values(model: &Model, values: &BTreeMap<String, String>) -> UiResult<Vec<f64>> {
    let json = serde_json::to_vec(values).map_err(|e| e.to_string())?;
    Ok(parse_record(&json, Some(Format::Json), &model.schema())?)
}

/// A diagnosis: the quantised result (what will be proven) and the float one.
#[derive(Debug, Serialize)]
pub struct DiagnosisView {
    quantised: OutcomeView,
    float: OutcomeView,
    max_error: f64,
}

/// Diagnose a record entered in the form.
#[tauri::command]
pub fn diagnose(model_id: String, values: BTreeMap<String, String>) -> UiResult<DiagnosisView> {
    let model = models::catalogue().load(&model_id)?;
    let x = checked_values(&model, &values)?;
    let d = model.diagnose(&x).map_err(|e| e.to_string())?;
    Ok(DiagnosisView {
        quantised: outcome_view(&model, &d.quantised),
        float: outcome_view(&model, &d.float),
        max_error: d.max_error,
    })
}

/// A record file read into the form: the values, and the unit conversions FHIR values
/// needed (shown to the patient before proving).
#[derive(Debug, Serialize)]
pub struct LoadedRecord {
    values: BTreeMap<String, String>,
    conversions: Vec<String>,
}

/// Read a record file (CSV, JSON, or FHIR R4 observations) into form values.
#[tauri::command]
pub fn load_record(model_id: String, path: String) -> UiResult<LoadedRecord> {
    let model = models::catalogue().load(&model_id)?;
    let imported = model.read_input(Path::new(&path))?;
    Ok(LoadedRecord {
        values: model
            .graph()
            .inputs
            .iter()
            .zip(imported.values)
            .map(|(i, v)| (i.name.clone(), v.to_string()))
            .collect(),
        conversions: imported.conversions.iter().map(ToString::to_string).collect(),
    })
}

/// What one proof tells the UI on its own channel: first its id (to cancel it by), then
/// each stage as it starts.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum ProveEvent {
    /// The proof has this id.
    Started {
        /// The id for `cancel_prove` and `save_bundle`.
        id: u64,
        /// How long it should take, in words (measured on this computer).
        estimate: String,
    },
    /// A stage started.
    Stage {
        /// Its name.
        stage: &'static str,
        /// The fraction of the work done when it starts.
        fraction: f64,
    },
}

/// A finished proof, as the UI shows it.
#[derive(Debug, Serialize)]
pub struct ProofView {
    id: u64,
    result: OutcomeView,
    salt: String,
    created_at: String,
    proof_bytes: usize,
    input_commitment: String,
    signed_by: Option<String>,
    history_warning: Option<String>,
}

/// Prove the diagnosis in the background; the window stays responsive. The proof's id and
/// stages arrive on `on_event`, its own channel, so two proofs at once never mix them up.
#[tauri::command]
pub async fn prove(
    state: State<'_, AppState>,
    model_id: String,
    values: BTreeMap<String, String>,
    disclosure: Option<String>,
    challenge: Option<String>,
    on_event: Channel<ProveEvent>,
) -> UiResult<ProofView> {
    let model = models::catalogue().load(&model_id)?;
    let disclosure: Disclosure =
        disclosure.as_deref().map(str::parse).transpose()?.unwrap_or_else(|| model.default_disclosure());
    let challenge = parse_challenge(challenge.as_deref())?;
    let x = checked_values(&model, &values)?;
    let (id, cancel) = state.proofs.start();
    let options = ProveOptions { disclosure, challenge, ..ProveOptions::default() };
    // a UI that stopped listening does not stop the proof
    let _ = on_event.send(ProveEvent::Started { id, estimate: estimate_text(&model, &options) });
    let task = tauri::async_runtime::spawn_blocking(move || {
        let proven = prove_diagnosis_with(
            &model,
            &x,
            &options,
            move |s| {
                let _ = on_event.send(ProveEvent::Stage { stage: s.label(), fraction: s.fraction() });
            },
            || cancel.load(Ordering::SeqCst),
        );
        (model, proven)
    });
    let outcome =
        task.await.map_err(|e| format!("the proof task failed: {e}")).and_then(|(model, proven)| match proven {
            Ok(Some(proven)) => Ok((model, proven)),
            Ok(None) => Err("proving was cancelled".to_string()),
            Err(e) => Err(e.to_string()),
        });
    let (model, proven) = match outcome {
        Ok(done) => done,
        Err(e) => {
            state.proofs.forget(id);
            return Err(e.into());
        }
    };
    let mut bundle = proven.bundle;
    if let Some(key) = &state.keys.signing {
        sign(&mut bundle, key);
    }
    let view = ProofView {
        id,
        result: outcome_view(&model, &disclosed_outcome(&model, &bundle.result)),
        salt: proven.salt.to_string(),
        created_at: bundle.created_at.clone(),
        proof_bytes: bundle.proof_bytes().map(|b| b.len()).unwrap_or(0),
        input_commitment: bundle.input_commitment.clone(),
        signed_by: state.keys.signing.as_ref().map(|k| fingerprint(k.verifying_key().as_bytes())),
        history_warning: None,
    };
    let mut view = view;
    if let Some(history) = &state.history {
        let entry = HistoryEntry {
            created_at: bundle.created_at.clone(),
            model: format!("{} ({})", model.name(), model.id()),
            result: view.result.text.clone(),
            salt: view.salt.clone(),
            bundle: String::from_utf8_lossy(&bundle.to_bytes()).into_owned(),
        };
        view.history_warning = history.append(entry).err();
    }
    state.proofs.finish(id, bundle);
    Ok(view)
}

/// Cancel proof `id` (its result is dropped; nothing is written; other proofs go on).
/// False when it is no longer running.
#[tauri::command]
pub fn cancel_prove(state: State<'_, AppState>, id: u64) -> bool {
    state.proofs.cancel(id)
}

/// Save the bundle of proof `id` to `path`, or where the native save dialog says.
#[tauri::command]
pub async fn save_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    id: u64,
    path: Option<String>,
) -> UiResult<Option<String>> {
    let bundle = state.proofs.bundle(id).ok_or_else(|| {
        format!(
            "this proof is no longer held for saving (cancelled, failed, or more than {} proofs ago); make it again",
            crate::state::KEPT_BUNDLES
        )
    })?;
    save_bundle_bytes(&app, path, Some(format!("{}.zkdx.json", bundle.model.id)), &bundle.to_bytes())
}

/// The decrypted history (newest first).
#[tauri::command]
pub fn history(state: State<'_, AppState>) -> UiResult<Vec<HistoryEntry>> {
    Ok(history_of(&state)?.load()?)
}

fn history_of(state: &AppState) -> UiResult<&crate::history::History> {
    Ok(state.history.as_ref().ok_or_else(|| "no history is kept: the OS keyring is not available".to_string())?)
}

/// Save the bundle of history entry `index` (made at `created_at`) to `path`, or where the
/// native save dialog says.
#[tauri::command]
pub async fn history_export(
    app: AppHandle,
    state: State<'_, AppState>,
    index: usize,
    created_at: String,
    path: Option<String>,
) -> UiResult<Option<String>> {
    let entry = history_of(&state)?.entry(index, &created_at)?;
    save_bundle_bytes(&app, path, None, entry.bundle.as_bytes())
}

/// Check the bundle of history entry `index` again, as the clinician's panel does.
#[tauri::command]
pub async fn history_verify(state: State<'_, AppState>, index: usize, created_at: String) -> UiResult<VerdictView> {
    let entry = history_of(&state)?.entry(index, &created_at)?;
    let trust = TrustList::load(&trust_path(&state)?).map_err(|e| e.to_string())?;
    let task = tauri::async_runtime::spawn_blocking(move || {
        verdict_view(check_bundle_bytes(entry.bundle.as_bytes(), None, &models::models_dir(), &trust, None))
    });
    Ok(task.await.map_err(|e| format!("the verification task failed: {e}"))?)
}

/// Delete history entry `index` (made at `created_at`); the UI asks first.
#[tauri::command]
pub fn history_delete(state: State<'_, AppState>, index: usize, created_at: String) -> UiResult<()> {
    Ok(history_of(&state)?.remove(index, &created_at)?)
}
