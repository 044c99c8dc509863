//! The clinician's commands: challenges, verdicts against the chosen trust list, and
//! exporting a checked bundle as FHIR or a PDF report.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use zkdx_bundle::fhir::export_checked;
use zkdx_bundle::make::{disclosed_outcome, now_rfc3339};
use zkdx_bundle::report::report_pdf;
use zkdx_bundle::verdict::{claims, what_it_does_not_prove, what_it_proves};
use zkdx_bundle::workflow::{check_bundle_file, opens_commitment_of_files, read_and_check_bundle_file, Checked};
use zkdx_bundle::TrustList;
use zkdx_circuit::{Challenge, Salt};

use crate::models;
use crate::settings::Settings;
use crate::state::AppState;

use super::{outcome_view, parse_challenge, save_file, OutcomeView, UiError, UiResult};

/// A new freshness challenge for the clinician to give the patient.
#[tauri::command]
pub fn new_challenge() -> String {
    Challenge::random().to_string()
}

/// The verdict panel.
#[derive(Debug, Serialize)]
pub struct VerdictView {
    /// `VALID`, `INVALID`, `CANNOT CHECK` or `VALID PROOF, UNAPPROVED MODEL`.
    outcome: &'static str,
    valid: bool,
    reason: Option<String>,
    model_name: Option<String>,
    model_version: Option<String>,
    model_digest: Option<String>,
    result: Option<OutcomeView>,
    created_at: Option<String>,
    input_commitment: Option<String>,
    signer: Option<String>,
    /// Who stands behind the model (the trust list's name), for a VALID bundle.
    publisher: Option<String>,
    /// Whether it answers the clinician's challenge, for a VALID bundle.
    freshness: Option<String>,
    /// What the proof proves and what it does not, for a VALID bundle.
    proves: Option<String>,
    not_proved: Option<String>,
    /// The model card's intended use and limits, for a VALID bundle.
    intended_use: Option<String>,
    limitations: Option<String>,
    /// What a bundle that is not VALID claims (shown greyed, as unverified).
    claimed: Vec<(&'static str, String)>,
}

/// The trust list the clinician's verdicts use, as the settings show it.
#[derive(Debug, Serialize)]
pub struct TrustView {
    /// Its file.
    path: String,
    /// Whether it is the one zkDx ships (a demonstration list).
    shipped: bool,
    /// The trusted publishers' names.
    publishers: Vec<String>,
    /// How many digests it approves and revokes directly.
    approved: usize,
    revoked: usize,
}

/// The trust list in use: the chosen one, else the shipped one.
pub(crate) fn trust_path(state: &AppState) -> UiResult<PathBuf> {
    let settings = state.settings.lock().map_err(|_| "internal state poisoned".to_string())?;
    Ok(settings.trust_list.clone().unwrap_or_else(|| TrustList::default_path(&models::models_dir())))
}

/// The trust list in use, read now (an unreadable one is an error to show, not a silent
/// fallback: the verdicts would say CANNOT CHECK).
#[tauri::command]
pub fn trust_list(state: State<'_, AppState>) -> UiResult<TrustView> {
    let path = trust_path(&state)?;
    let shipped = path == TrustList::default_path(&models::models_dir());
    let list = TrustList::load(&path).map_err(|e| e.to_string())?;
    Ok(TrustView {
        path: path.display().to_string(),
        shipped,
        publishers: list.publishers.iter().map(|p| p.name.clone()).collect(),
        approved: list.approved.len(),
        revoked: list.revoked.len(),
    })
}

/// Use the trust list at `path` (or the one chosen in a dialog; `shipped`: zkDx's own) for
/// every verdict from now on, and remember it. A file that is not a readable trust list is
/// refused and the setting is left as it was.
#[tauri::command]
pub async fn choose_trust_list(
    app: AppHandle,
    state: State<'_, AppState>,
    path: Option<String>,
    shipped: Option<bool>,
) -> UiResult<Option<TrustView>> {
    let chosen = if shipped == Some(true) {
        None
    } else {
        let path = match path {
            Some(p) => PathBuf::from(p),
            None => match app.dialog().file().add_filter("zkDx trust list", &["json"]).blocking_pick_file() {
                Some(p) => p.into_path().map_err(|e| e.to_string())?,
                None => return Ok(None),
            },
        };
        TrustList::load(&path).map_err(|e| format!("{e}; the trust list in use is unchanged"))?;
        Some(path)
    };
    {
        let mut settings = state.settings.lock().map_err(|_| "internal state poisoned".to_string())?;
        let mut next: Settings = settings.clone();
        next.trust_list = chosen;
        next.save(&state.settings_path)?;
        *settings = next;
    }
    trust_list(state).map(Some)
}

/// Verify a bundle file against the shipped model it names (or `model_path`), with the trust
/// list in the settings.
#[tauri::command]
pub async fn verify_bundle(
    state: State<'_, AppState>,
    path: String,
    model_path: Option<String>,
    challenge: Option<String>,
) -> UiResult<VerdictView> {
    let challenge = parse_challenge(challenge.as_deref())?;
    let trust = trust_path(&state)?;
    let task = tauri::async_runtime::spawn_blocking(move || {
        let models_dir = models::models_dir();
        let model = model_path.as_deref().map(Path::new);
        Ok::<_, UiError>(verdict_view(check_bundle_file(
            Path::new(&path),
            model,
            &models_dir,
            &trust,
            challenge.as_ref(),
        )))
    });
    task.await.map_err(|e| format!("the verification task failed: {e}"))?
}

/// What a clinician files from a checked bundle: a FHIR R4 Bundle (`fhir`) or a one-page
/// PDF report (`report`), written to `save_path` or where the native save dialog says.
/// Returns the verdict it was made under and where it went (`None`: the dialog was closed).
#[tauri::command]
pub async fn export_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: String,
    path: String,
    model_path: Option<String>,
    challenge: Option<String>,
    save_path: Option<String>,
) -> UiResult<Option<String>> {
    let challenge = parse_challenge(challenge.as_deref())?;
    let trust = trust_path(&state)?;
    let (filter, ext, suffix): (&str, &str, &str) = match kind.as_str() {
        "fhir" => ("FHIR R4 Bundle", "json", "fhir.json"),
        "report" => ("PDF report", "pdf", "report.pdf"),
        _ => return Err(format!("unknown export `{kind}`").into()),
    };
    let task = tauri::async_runtime::spawn_blocking(move || {
        let (bytes, checked) = read_and_check_bundle_file(
            Path::new(&path),
            model_path.as_deref().map(Path::new),
            &models::models_dir(),
            &trust,
            challenge.as_ref(),
        );
        let now = now_rfc3339();
        let out = match kind.as_str() {
            "fhir" => {
                let fhir = export_checked(&bytes, &checked, &now)?;
                serde_json::to_vec_pretty(&fhir).map_err(|e| e.to_string())?
            }
            _ => report_pdf(&bytes, &checked, &now),
        };
        let name = checked.bundle.as_ref().map(|b| format!("{}.{suffix}", b.model.id));
        Ok::<_, UiError>((out, name))
    });
    let (out, name) = task.await.map_err(|e| format!("the export task failed: {e}"))??;
    save_file(&app, save_path, (filter, ext), name, &out)
}

/// What the verdict panel shows of a check.
pub(crate) fn verdict_view(checked: Checked) -> VerdictView {
    let verdict = &checked.verdict;
    let mut view = VerdictView {
        outcome: verdict.headline(),
        valid: verdict.is_valid(),
        reason: verdict.reason().map(str::to_string),
        model_name: None,
        model_version: None,
        model_digest: None,
        result: None,
        created_at: None,
        input_commitment: None,
        signer: verdict.signer().map(str::to_string),
        publisher: verdict.publisher().map(str::to_string),
        freshness: None,
        proves: None,
        not_proved: None,
        intended_use: None,
        limitations: None,
        claimed: Vec::new(),
    };
    // Only a VALID bundle's details are shown, and the model's come from the model
    // checked against, never from the bundle's own fields.
    if let (Some(m), Some(b), true) = (&checked.model, &checked.bundle, verdict.is_valid()) {
        view.result = Some(outcome_view(m, &disclosed_outcome(m, &b.result)));
        view.model_name = Some(m.name().to_string());
        view.model_version = Some(m.version().to_string());
        view.model_digest = Some(m.digest().to_string());
        view.created_at = Some(b.created_at.clone());
        view.input_commitment = Some(b.input_commitment.clone());
        view.freshness = checked.freshness.map(|f| f.describe());
        view.proves = Some(what_it_proves(b, m));
        view.not_proved = Some(what_it_does_not_prove(b));
        view.intended_use = m.card().map(|c| c.intended_use.clone());
        view.limitations = m.card().map(|c| c.limitations.clone());
    } else if let Some(b) = &checked.bundle {
        view.claimed = claims(b);
    }
    view
}

/// Does this record file (CSV, JSON or FHIR) with this salt, shown by the patient, open the
/// input commitment of the bundle the clinician opened? (A bundle that does not verify is an
/// error, never a match.)
#[tauri::command]
pub async fn check_record(bundle_path: String, record_path: String, salt: String) -> UiResult<bool> {
    let task = tauri::async_runtime::spawn_blocking(move || {
        let salt = salt.parse::<Salt>().map_err(|e| e.to_string())?;
        let (bundle, record) = (Path::new(&bundle_path), Path::new(&record_path));
        Ok::<_, UiError>(opens_commitment_of_files(bundle, record, &salt, None, &models::models_dir())?)
    });
    task.await.map_err(|e| format!("the check failed: {e}"))?
}
