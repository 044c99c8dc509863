//! The commands the UI calls. Each is a thin adapter: it turns UI values into engine calls
//! and engine results into what the UI shows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use zkdx_bundle::fhir::export_checked;
use zkdx_bundle::io::{read_bundle_file, write_atomically};
use zkdx_bundle::make::{disclosed_outcome, now_rfc3339};
use zkdx_bundle::report::report_pdf;
use zkdx_bundle::signature::{fingerprint, sign};
use zkdx_bundle::verdict::{claims, what_it_does_not_prove, what_it_proves};
use zkdx_bundle::workflow::{
    check_bundle_bytes, check_bundle_file, estimate_text, opens_commitment, prove_diagnosis_with,
    read_and_check_bundle_file, shipped_model_path, Checked, ProveOptions,
};
use zkdx_bundle::{ProofBundle, TrustList};
use zkdx_circuit::{Challenge, Salt};
use zkdx_model::error::RecordError;
use zkdx_model::model::Outcome;
use zkdx_model::record::{parse_record, read_record, Format};
use zkdx_model::{Disclosure, Model};

use crate::history::HistoryEntry;
use crate::models::{self, ModelSummary};
use crate::settings::Settings;
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

type UiResult<T> = Result<T, UiError>;

/// The shipped models.
#[tauri::command]
pub fn list_models() -> UiResult<Vec<ModelSummary>> {
    Ok(models::summaries()?)
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

fn outcome_view(model: &Model, o: &Outcome) -> OutcomeView {
    let names = &model.graph().outputs;
    OutcomeView {
        text: model.describe(o),
        label: o.label.and_then(|l| names.get(l).cloned()),
        bars: names.iter().cloned().zip(o.probabilities.iter().copied()).collect(),
        scores: if o.label.is_none() { names.iter().cloned().zip(o.values.iter().copied()).collect() } else { vec![] },
        unit: model.card().and_then(|c| c.output.as_ref()).map(|u| u.unit.clone()),
    }
}

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
    let model = models::load(&model_id)?;
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
    let model = models::load(&model_id)?;
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
    let model = models::load(&model_id)?;
    let disclosure: Disclosure = disclosure.as_deref().map(str::parse).transpose()?.unwrap_or_default();
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

/// A challenge code typed or pasted in a field: empty is none.
fn parse_challenge(code: Option<&str>) -> UiResult<Option<Challenge>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => Ok(Some(c.parse().map_err(|e| format!("the challenge code: {e}"))?)),
    }
}

/// A new freshness challenge for the clinician to give the patient.
#[tauri::command]
pub fn new_challenge() -> String {
    Challenge::random().to_string()
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

/// Write bundle `bytes` to `path`, or where the native save dialog says (offering
/// `file_name`); `None` when the user closes the dialog.
fn save_bundle_bytes(
    app: &AppHandle,
    path: Option<String>,
    file_name: Option<String>,
    bytes: &[u8],
) -> UiResult<Option<String>> {
    save_file(app, path, ("zkDx proof bundle", "json"), file_name, bytes)
}

/// Write `bytes` to `path`, or where the native save dialog (with `filter`: a name and an
/// extension) says, offering `file_name`; `None` when the user closes the dialog.
fn save_file(
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
fn trust_path(state: &AppState) -> UiResult<PathBuf> {
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
fn verdict_view(checked: Checked) -> VerdictView {
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
        let shipped_match = models::summaries()
            .unwrap_or_default()
            .into_iter()
            .find(|s| s.digest == digest)
            .map(|s| format!("{} (version {})", s.name, s.version));
        Ok::<_, UiError>(InspectView {
            id: m.id().to_string(),
            name: m.name().into(),
            digest,
            file_sha256: m.file_sha256().map_err(|e| format!("cannot read {}: {e}", m.path().display()))?,
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

/// Does this record (a file) with this salt open the bundle's input commitment?
#[tauri::command]
pub async fn check_record(bundle_path: String, record_path: String, salt: String) -> UiResult<bool> {
    let task = tauri::async_runtime::spawn_blocking(move || {
        let bytes = read_bundle_file(Path::new(&bundle_path))?;
        let bundle = ProofBundle::from_bytes(&bytes).map_err(|e| e.to_string())?;
        let model_path = shipped_model_path(&bundle, &models::models_dir())?;
        let model = Model::load(&model_path).map_err(|e| e.to_string())?;
        let values = read_record(Path::new(&record_path), &model.schema())?;
        let salt = salt.parse::<Salt>().map_err(|e| e.to_string())?;
        Ok::<_, UiError>(opens_commitment(&bundle, &model, &values, &salt)?)
    });
    task.await.map_err(|e| format!("the check failed: {e}"))?
}

/// Does a model file's digest equal the one a bundle names?
#[tauri::command]
pub fn compare_with_bundle(model_digest: String, bundle_path: String) -> UiResult<bool> {
    let bytes = read_bundle_file(Path::new(&bundle_path))?;
    let bundle = ProofBundle::from_bytes(&bytes).map_err(|e| e.to_string())?;
    Ok(bundle.model.digest == model_digest)
}
