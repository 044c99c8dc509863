//! The patient's and the clinician's workflows, shared by the CLI and the desktop app so
//! that neither holds logic the other lacks.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use base64::Engine;

use crate::cache;
use crate::format::{proof_system, ProofBundle, ProofData};
use crate::make::{make_bundle, now_rfc3339};
use crate::trust::{approval, trusted_pin, Approval, Pin, TrustList};
use crate::verdict::{check_bundle, check_bundle_with_verifier, freshness, proof_kind, variant, Freshness, Verdict};
use zkdx_circuit::compact::CompactCircuit;
use zkdx_circuit::{
    observe_prover_steps, prove_answering, verify, Assurance, Challenge, CircuitError, Commitment, ModelCircuit,
    ModelVerifier, ProofKind, Salt, Variant,
};
use zkdx_model::catalogue::Catalogue;
use zkdx_model::{Disclosure, Model};

/// Why a workflow could not run (a verdict is never an error: [`Checked`] carries it).
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The circuit could not be built, or the prover failed.
    #[error(transparent)]
    Circuit(#[from] CircuitError),
    /// Compact proofs (recursive wrappers) exist at standard assurance only.
    #[error(
        "a compact proof's recursive wrappers have standard assurance only; choose either a compact proof or high \
         assurance"
    )]
    CompactNeedsStandardAssurance,
    /// The proof just made does not verify (a prover bug: nothing is saved).
    #[error("the fresh proof does not verify: {0}")]
    FreshProofFails(String),
    /// The bundle names a model that is not among the shipped ones.
    #[error("{0}; choose the model file yourself")]
    ModelNotShipped(zkdx_model::catalogue::CatalogueError),
    /// The bundle is for another model than the one given.
    #[error("the bundle is for another model ({0})")]
    OtherModel(String),
    /// The bundle does not verify, so its commitment is only a claim.
    #[error("the bundle is {headline} ({reason}), so its commitment opens nothing")]
    NotVerified {
        /// The verdict's headline.
        headline: &'static str,
        /// Why.
        reason: String,
    },
    /// The bundle could not be read.
    #[error("{0}")]
    Bundle(crate::format::BundleError),
    /// The bundle file could not be read.
    #[error("{0}")]
    Unreadable(String),
    /// The model file could not be used.
    #[error("cannot use model {path}: {cause}")]
    Model {
        /// The model file.
        path: String,
        /// Why.
        cause: zkdx_model::error::ModelError,
    },
    /// The record file could not be used.
    #[error("cannot use record {path}: {cause}")]
    Record {
        /// The record file.
        path: String,
        /// Why.
        cause: zkdx_model::error::RecordError,
    },
}

/// The stages of making a proof, in order: the prover's own steps are reported by plonky2
/// as they start (zkDx's patch), so a progress bar moves with the real work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Building the model's circuit.
    BuildCircuit,
    /// Proving, step 1: every value of the circuit from the record.
    Witness,
    /// Proving, step 2: committing to those values.
    Wires,
    /// Proving, step 3: the argument that the circuit's wires are connected as built.
    Permutation,
    /// Proving, step 4: the polynomial that holds every constraint.
    Quotient,
    /// Proving, step 5: opening the commitments at a random point.
    Openings,
    /// Proving, step 6: FRI, the proof that the committed polynomials have low degree.
    Fri,
    /// Wrapping the proof into a compact recursive proof (only when asked for).
    Compact,
    /// Checking the fresh proof with the verifier.
    SelfCheck,
    /// Done.
    Done,
}

impl Stage {
    /// Human label.
    pub fn label(&self) -> &'static str {
        match self {
            Stage::BuildCircuit => "building the circuit",
            Stage::Witness => "proving 1/6: computing the circuit's values",
            Stage::Wires => "proving 2/6: committing to them",
            Stage::Permutation => "proving 3/6: the wiring argument",
            Stage::Quotient => "proving 4/6: the constraints",
            Stage::Openings => "proving 5/6: opening the commitments",
            Stage::Fri => "proving 6/6: the low-degree proof (FRI)",
            Stage::Compact => "wrapping into a compact proof",
            Stage::SelfCheck => "checking the proof",
            Stage::Done => "done",
        }
    }

    /// Fraction of the work done when this stage starts (a plain proof of a shipped model;
    /// a compact proof spends most of its time in [`Stage::Compact`]).
    pub fn fraction(&self) -> f64 {
        match self {
            Stage::BuildCircuit => 0.02,
            Stage::Witness => 0.25,
            Stage::Wires => 0.3,
            Stage::Permutation => 0.45,
            Stage::Quotient => 0.55,
            Stage::Openings => 0.75,
            Stage::Fri => 0.8,
            Stage::Compact => 0.9,
            Stage::SelfCheck => 0.95,
            Stage::Done => 1.0,
        }
    }

    /// The stage of one of plonky2's prover steps (see `zkdx_circuit::prove::observe_prover_steps`).
    fn of_prover_step(step: &str) -> Option<Stage> {
        Some(match step {
            "witness" => Stage::Witness,
            "wires" => Stage::Wires,
            "permutation" => Stage::Permutation,
            "quotient" => Stage::Quotient,
            "openings" => Stage::Openings,
            "fri" => Stage::Fri,
            _ => return None,
        })
    }
}

/// A proven diagnosis: the bundle to share and the salt the patient keeps.
pub struct ProvenDiagnosis {
    /// The bundle (no input inside).
    pub bundle: ProofBundle,
    /// The salt opening the bundle's input commitment; never put it in the bundle.
    pub salt: Salt,
}

/// How to make a proof.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProveOptions {
    /// What the proof makes public.
    pub disclosure: Disclosure,
    /// Wrap the proof into a compact recursive proof (~50 KB instead of ~110–320 KB, for
    /// tens of seconds more; see `zkdx_circuit::compact`).
    pub compact: bool,
    /// The clinician's freshness challenge for the proof to answer, if they issued one.
    pub challenge: Option<Challenge>,
    /// How much soundness the proof has (high: 100 provable bits, a larger and slower
    /// proof; not with `compact`).
    pub assurance: Assurance,
}

impl ProveOptions {
    /// The circuit these options prove with.
    pub fn variant(&self) -> Variant {
        Variant { disclosure: self.disclosure, assurance: self.assurance }
    }

    /// The kind of proof they make.
    pub fn kind(&self) -> ProofKind {
        if self.compact {
            ProofKind::Compact
        } else {
            ProofKind::Plain
        }
    }
}

/// How long a proof of `model` with these options should take on this computer, in
/// seconds: the last such proof's time, measured here (none before the first).
pub fn estimate_seconds(model: &Model, options: &ProveOptions) -> Option<f64> {
    crate::cache::last_proof_seconds(model, options.variant(), options.kind())
}

/// The estimate in words, for a progress bar: "about 0.9 s on this computer".
pub fn estimate_text(model: &Model, options: &ProveOptions) -> String {
    match estimate_seconds(model, options) {
        Some(s) if s < 10.0 => format!("about {s:.1} s on this computer"),
        Some(s) if s < 120.0 => format!("about {s:.0} s on this computer"),
        Some(s) => format!("about {:.0} min on this computer", s / 60.0),
        None => "the first proof of this model here; later ones show an estimate".into(),
    }
}

/// Prove `model` on checked feature `values` (from [`Model::read_record`] or a form),
/// disclosing the result as `disclosure` says, reporting each stage. `cancelled` is polled between stages.
pub fn prove_diagnosis(
    model: &Model,
    values: &[f64],
    disclosure: Disclosure,
    on_stage: impl FnMut(Stage) + 'static,
    cancelled: impl Fn() -> bool,
) -> Result<Option<ProvenDiagnosis>, WorkflowError> {
    prove_diagnosis_with(model, values, &ProveOptions { disclosure, ..ProveOptions::default() }, on_stage, cancelled)
}

/// [`prove_diagnosis`] with every option: a compact proof, a challenge to answer.
/// `on_stage` hears each [`Stage`] as it starts, the prover's own steps included (so it
/// owns what it uses: it is kept for the length of the proof).
pub fn prove_diagnosis_with(
    model: &Model,
    values: &[f64],
    options: &ProveOptions,
    on_stage: impl FnMut(Stage) + 'static,
    cancelled: impl Fn() -> bool,
) -> Result<Option<ProvenDiagnosis>, WorkflowError> {
    let on_stage = Rc::new(RefCell::new(on_stage));
    let stage = |s: Stage| (on_stage.borrow_mut())(s);
    let input = model.quantise_input(values);
    let (variant, kind) = (options.variant(), options.kind());
    let system = proof_system(kind, options.assurance).ok_or(WorkflowError::CompactNeedsStandardAssurance)?;
    let started = std::time::Instant::now();
    stage(Stage::BuildCircuit);
    let circuit = crate::cache::circuit(model, variant)?;
    if cancelled() {
        return Ok(None);
    }
    let salt = Salt::random();
    let steps = {
        let on_stage = on_stage.clone();
        Box::new(move |step: &'static str| {
            if let Some(s) = Stage::of_prover_step(step) {
                (on_stage.borrow_mut())(s)
            }
        })
    };
    let proof =
        observe_prover_steps(steps, || prove_answering(&circuit, model, &input, &salt, options.challenge.as_ref()))?;
    if cancelled() {
        return Ok(None);
    }
    let mut bundle = make_bundle(model, &proof, now_rfc3339());
    bundle.proof.system = system.into();
    let fresh = if options.compact {
        stage(Stage::Compact);
        let wrapper = CompactCircuit::build(&circuit);
        if cancelled() {
            return Ok(None);
        }
        let small = wrapper.compress(&circuit, &proof.bytes)?;
        stage(Stage::SelfCheck);
        let checked = wrapper.verify(&small);
        bundle.proof =
            ProofData { system: system.into(), data: base64::engine::general_purpose::STANDARD.encode(&small) };
        checked
    } else {
        stage(Stage::SelfCheck);
        verify(&circuit, &proof.bytes)
    };
    fresh.map_err(|e| WorkflowError::FreshProofFails(e.to_string()))?;
    crate::cache::record_proof_seconds(model, variant, kind, started.elapsed().as_secs_f64());
    stage(Stage::Done);
    Ok(Some(ProvenDiagnosis { bundle, salt }))
}

/// The outcome of checking a bundle file.
pub struct Checked {
    /// The verdict.
    pub verdict: Verdict,
    /// The bundle, when it could be read.
    pub bundle: Option<ProofBundle>,
    /// The model it was checked against, when one was found.
    pub model: Option<Model>,
    /// Whether it answers the clinician's challenge (a bundle whose proof is valid).
    pub freshness: Option<Freshness>,
}

fn cannot_check(reason: String, bundle: Option<ProofBundle>) -> Checked {
    Checked { verdict: Verdict::cannot_check(reason), bundle, model: None, freshness: None }
}

/// The model to check `bundle` against: `model` when one is given, else the shipped model
/// the bundle names in `models_dir`.
pub fn bundle_model_path(
    bundle: &ProofBundle,
    model: Option<&Path>,
    models_dir: &Path,
) -> Result<PathBuf, WorkflowError> {
    match model {
        Some(p) => Ok(p.to_path_buf()),
        None => Catalogue::new(models_dir).model_file(&bundle.model.id).map_err(WorkflowError::ModelNotShipped),
    }
}

/// Check the bundle file at `path` as both front ends do: the trust list at `trust_path`
/// (an unreadable one, like an unreadable bundle file, is CANNOT CHECK), then
/// [`check_bundle_bytes`].
pub fn check_bundle_file(
    path: &Path,
    model: Option<&Path>,
    models_dir: &Path,
    trust_path: &Path,
    challenge: Option<&Challenge>,
) -> Checked {
    read_and_check_bundle_file(path, model, models_dir, trust_path, challenge).1
}

/// [`check_bundle_file`], with the file's bytes as they were checked (empty if it could
/// not be read): what a FHIR export attaches and a report fingerprints.
pub fn read_and_check_bundle_file(
    path: &Path,
    model: Option<&Path>,
    models_dir: &Path,
    trust_path: &Path,
    challenge: Option<&Challenge>,
) -> (Vec<u8>, Checked) {
    let trust = match TrustList::load(trust_path) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), cannot_check(format!("{e}; give your trust list with --trust FILE"), None)),
    };
    match crate::format::read_bundle_file(path) {
        Ok(bytes) => {
            let checked = check_bundle_bytes(&bytes, model, models_dir, &trust, challenge);
            (bytes, checked)
        }
        Err(e) => (Vec::new(), cannot_check(e, None)),
    }
}

/// Check bundle bytes against `model` (a path to an ONNX file or card), or else the shipped
/// model the bundle names in `models_dir`, whether `trust` approves that model (a valid
/// proof of an unapproved model is [`Verdict::Unapproved`], never VALID) and, when the
/// clinician gives the `challenge` they issued, whether the proof answers it (if not, the
/// bundle is INVALID: made for another request, or replayed).
pub fn check_bundle_bytes(
    bytes: &[u8],
    model: Option<&Path>,
    models_dir: &Path,
    trust: &TrustList,
    challenge: Option<&Challenge>,
) -> Checked {
    let mut checked = check_proof_and_model(bytes, model, models_dir, trust);
    if let (Verdict::Valid { .. } | Verdict::Unapproved { .. }, Some(bundle)) = (&checked.verdict, &checked.bundle) {
        match freshness(bundle, challenge) {
            Ok(f) => checked.freshness = Some(f),
            Err(reason) => checked.verdict = Verdict::invalid(reason),
        }
    }
    checked
}

fn check_proof_and_model(bytes: &[u8], model: Option<&Path>, models_dir: &Path, trust: &TrustList) -> Checked {
    let bundle = match ProofBundle::from_bytes(bytes) {
        Ok(b) => b,
        Err(e) if e.is_unreadable() => return cannot_check(e.to_string(), None),
        Err(e) => {
            return Checked { verdict: Verdict::invalid(e.to_string()), bundle: None, model: None, freshness: None }
        }
    };
    let path = match bundle_model_path(&bundle, model, models_dir) {
        Ok(p) => p,
        Err(e) => return cannot_check(e.to_string(), Some(bundle)),
    };
    let model = match Model::load(&path) {
        Ok(m) => m,
        Err(e) => return cannot_check(format!("cannot use model {}: {e}", path.display()), Some(bundle)),
    };
    let variant = variant(&bundle);
    let kind = proof_kind(&bundle);
    let pin = trusted_pin(&model, variant, trust);
    let pinned_sha256 = |pin: &Pin| match kind {
        ProofKind::Plain => Some(pin.verifier_sha256.clone()),
        ProofKind::Compact => pin.compact_verifier_sha256.clone(),
    };
    // fast path: a verifier cached under a trusted pin, no circuit to build
    if let Some(pin) = &pin {
        let cached = pinned_sha256(pin).and_then(|sha| cache::load(&model, variant, kind, &sha));
        if let Some(verifier) = cached {
            let verdict = match check_bundle_with_verifier(&bundle, &model, &verifier) {
                Verdict::Valid { signer, .. } => Verdict::Valid { signer, publisher: Some(pin.publisher.clone()) },
                other => other,
            };
            if !matches!(verdict, Verdict::CannotCheck { .. }) {
                return Checked { verdict, bundle: Some(bundle), model: Some(model), freshness: None };
            }
        }
    }
    let circuit = match ModelCircuit::build_with(&model, variant) {
        Ok(c) => c,
        // the model loaded, so only the bundle's claimed disclosure can be at fault
        Err(e) => {
            return Checked {
                verdict: Verdict::invalid(e.to_string()),
                bundle: Some(bundle),
                model: None,
                freshness: None,
            }
        }
    };
    let fingerprint = circuit.verifier_fingerprint();
    // the pin already is the approval when it pins this circuit; otherwise ask the trust
    // list why not (or whether it lists the digest)
    let pin = pin.filter(|p| p.fingerprint == fingerprint);
    // the verifier of the bundle's kind: the circuit's, or the compact wrappers' (built once
    // here, kept in the cache below)
    let verifier = match kind {
        ProofKind::Plain => Ok(ModelVerifier::of(&circuit)),
        ProofKind::Compact => CompactCircuit::build(&circuit).verifier(),
    };
    let verifier = match verifier {
        Ok(v) => v,
        Err(e) => return cannot_check(format!("cannot build the verifier: {e}"), Some(bundle)),
    };
    let verdict = match check_bundle_with_verifier(&bundle, &model, &verifier) {
        Verdict::Valid { signer, .. } => match &pin {
            Some(pin) => Verdict::Valid { signer, publisher: Some(pin.publisher.clone()) },
            None => match approval(&model, &fingerprint, variant, trust) {
                Approval::Approved { publisher } => Verdict::Valid { signer, publisher: Some(publisher) },
                Approval::Unapproved(reason) => Verdict::Unapproved { reason, signer },
            },
        },
        other => other,
    };
    if let Some(sha) = pin.as_ref().and_then(pinned_sha256) {
        cache::store(&model, variant, &verifier, &sha);
    }
    Checked { verdict, bundle: Some(bundle), model: Some(model), freshness: None }
}

/// Whether checked feature `values` with `salt` open the bundle's input commitment (for a
/// patient who chooses to show a clinician which record a proof used). The bundle's proof
/// is verified first: the commitment of a bundle that does not verify is only a claim, so
/// matching it would prove nothing, and that is an error, never a match.
pub fn opens_commitment(
    bundle: &ProofBundle,
    model: &Model,
    values: &[f64],
    salt: &Salt,
) -> Result<bool, WorkflowError> {
    if bundle.model.digest != model.digest().to_string() {
        return Err(WorkflowError::OtherModel(bundle.model.digest.clone()));
    }
    let circuit = ModelCircuit::build_with(model, variant(bundle))?;
    let verdict = check_bundle(bundle, model, &circuit);
    if let Some(reason) = verdict.reason() {
        return Err(WorkflowError::NotVerified { headline: verdict.headline(), reason: reason.to_string() });
    }
    let commitment = Commitment::of(&model.quantise_input(values), salt);
    Ok(commitment == bundle.commitment().map_err(WorkflowError::Bundle)?)
}

/// `zkdx open` and the app's record check: whether the record file at `record` (CSV, JSON or
/// FHIR) with `salt` opens the input commitment of the bundle file at `bundle_path`, checked
/// against `model` or else the shipped model the bundle names (see [`opens_commitment`]).
pub fn opens_commitment_of_files(
    bundle_path: &Path,
    record: &Path,
    salt: &Salt,
    model: Option<&Path>,
    models_dir: &Path,
) -> Result<bool, WorkflowError> {
    let bytes = crate::format::read_bundle_file(bundle_path).map_err(WorkflowError::Unreadable)?;
    let bundle = ProofBundle::from_bytes(&bytes).map_err(WorkflowError::Bundle)?;
    let path = bundle_model_path(&bundle, model, models_dir)?;
    let model = Model::load(&path).map_err(|cause| WorkflowError::Model { path: path.display().to_string(), cause })?;
    let values = model
        .read_input(record)
        .map_err(|cause| WorkflowError::Record { path: record.display().to_string(), cause })?
        .values;
    opens_commitment(&bundle, &model, &values, salt)
}
