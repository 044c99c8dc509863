//! `zkdx prove`, `zkdx verify` and `zkdx open`: the patient's and the clinician's verbs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use zkdx_bundle::io::{
    check_output_target, check_secret_target, read_bundle_file, read_secret, write_output, write_secret,
};
use zkdx_bundle::make::disclosed_outcome;
use zkdx_bundle::verdict::variant;
use zkdx_bundle::workflow::{
    check_bundle_file, estimate_text, opens_commitment, prove_diagnosis_with, shipped_model_path, ProveOptions, Stage,
};
use zkdx_bundle::{Freshness, ProofBundle, TrustList};
use zkdx_circuit::{Challenge, Salt};
use zkdx_model::Model;

fn progress(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(100);
    let style = ProgressStyle::with_template("{spinner} [{bar:20}] {msg} ({elapsed}; {prefix})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// `zkdx prove`.
pub fn prove_cmd(
    model_path: &Path,
    input: &crate::commands::Input,
    out: Option<PathBuf>,
    salt_out: Option<PathBuf>,
    quiet: bool,
    options: &ProveOptions,
) -> Result<ExitCode> {
    let disclose = options.disclosure;
    let model = crate::commands::load(model_path)?;
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{}.zkdx.json", model.id())));
    let to_stdout = out.as_os_str() == "-";
    let salt_out = match salt_out {
        Some(p) => p,
        None if to_stdout => {
            anyhow::bail!("with `-o -` (the bundle to standard output), say where the salt goes: --salt-out FILE")
        }
        None => {
            let mut p = out.clone().into_os_string();
            p.push(".salt");
            PathBuf::from(p)
        }
    };
    // every output checked before the proof, so a bad path never costs one
    if !to_stdout {
        check_output_target(&out).with_context(|| format!("cannot write the bundle to {}", out.display()))?;
    }
    check_secret_target(&salt_out).with_context(|| format!("cannot write the salt to {}", salt_out.display()))?;
    check_output_target(&salt_out).with_context(|| format!("cannot write the salt to {}", salt_out.display()))?;
    let values = crate::commands::read_input(&model, input)?;
    let bar = progress(quiet);
    bar.set_prefix(estimate_text(&model, options));
    let on_stage = {
        let bar = bar.clone();
        move |s: Stage| {
            bar.set_position((s.fraction() * 100.0) as u64);
            bar.set_message(s.label());
        }
    };
    let proven =
        prove_diagnosis_with(&model, &values, options, on_stage, || false)?.context("proving was cancelled")?;
    bar.set_message("writing the bundle");
    write_output(&out, &proven.bundle.to_bytes()).with_context(|| format!("cannot write {}", out.display()))?;
    write_secret(&salt_out, format!("{}\n", proven.salt).as_bytes())
        .with_context(|| format!("cannot write the salt to {}", salt_out.display()))?;
    bar.finish_and_clear();
    let outcome = disclosed_outcome(&model, &proven.bundle.result);
    // with the bundle on standard output, the summary goes to standard error
    let answers = match &options.challenge {
        Some(c) => format!("answers challenge {c}"),
        None => "none (a clinician can ask for one: `zkdx challenge`)".into(),
    };
    let summary = [
        format!("result     {} (what the bundle discloses: {disclose})", model.describe(&outcome)),
        format!("challenge  {answers}"),
        format!("assurance  {}: {}", options.assurance, options.assurance.explain()),
        format!("bundle     {}", if to_stdout { "standard output".to_string() } else { out.display().to_string() }),
        format!(
            "salt       {} (only you can read it; keep it private: with the record it opens the input commitment)",
            salt_out.display()
        ),
    ];
    for line in summary {
        if to_stdout {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_bundle(path: &Path) -> Result<ProofBundle> {
    Ok(ProofBundle::from_bytes(&read_bundle_file(path).map_err(anyhow::Error::msg)?)?)
}

/// The model a bundle names, from `--model` or the models folder.
fn resolve_model(bundle: &ProofBundle, model: Option<&Path>, models_dir: &Path) -> Result<Model> {
    let path = match model {
        Some(p) => p.to_path_buf(),
        None => shipped_model_path(bundle, models_dir).map_err(anyhow::Error::msg)?,
    };
    crate::commands::load(&path)
}

/// `zkdx challenge`: a fresh challenge code, and how each side uses it.
pub fn challenge_cmd() -> Result<ExitCode> {
    let c = Challenge::random();
    println!("challenge  {c}");
    println!("patient    zkdx prove MODEL RECORD --challenge {c}");
    println!("you        zkdx verify BUNDLE --challenge {c}");
    println!("(not a secret: it only ties the patient's proof to this request; issue a new one per request)");
    Ok(ExitCode::SUCCESS)
}

/// What `zkdx verify` checks a bundle against.
pub struct Checking {
    /// The model file, else the bundle's model id in `models`.
    pub model: Option<PathBuf>,
    /// Where shipped models live.
    pub models: PathBuf,
    /// The trust list; default: the one in `models`.
    pub trust: Option<PathBuf>,
    /// The challenge the clinician issued, if any.
    pub challenge: Option<Challenge>,
}

impl Checking {
    /// The trust list in use: the one given, else the one in `models`.
    pub fn trust_path(&self) -> PathBuf {
        self.trust.clone().unwrap_or_else(|| TrustList::default_path(&self.models))
    }
}

/// `zkdx verify`: VALID (exit 0), INVALID (exit 1), CANNOT CHECK (exit 2) or VALID PROOF,
/// UNAPPROVED MODEL (exit 3), each but VALID with its reason; as text or (`json`) one JSON
/// object.
pub fn verify_cmd(bundle_path: &Path, against: &Checking, json: bool) -> Result<ExitCode> {
    let models_dir = against.models.as_path();
    let trust_path = against.trust_path();
    // a first verification of a model builds its verifier (seconds, or tens for a compact
    // proof): a spinner says so on standard error, never in the JSON
    let spinner = if json { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
    spinner.set_message("checking the bundle (the first check of a model also builds its verifier)");
    spinner.enable_steady_tick(Duration::from_millis(120));
    let checked =
        check_bundle_file(bundle_path, against.model.as_deref(), models_dir, &trust_path, against.challenge.as_ref());
    spinner.finish_and_clear();
    let verdict = &checked.verdict;
    // only a VALID bundle's details are reported, the model's from the model
    let details = match (&checked.bundle, &checked.model, verdict.is_valid()) {
        (Some(bundle), Some(model), true) => Some((bundle, model)),
        _ => None,
    };
    if json {
        let mut out = serde_json::json!({
            "outcome": verdict.headline(),
            "exit_code": verdict.exit_code(),
            "reason": verdict.reason(),
            "trust_list": trust_path.display().to_string(),
        });
        if let Some((bundle, model)) = details {
            out["model"] = serde_json::json!({
                "id": model.id(), "name": model.name(), "version": model.version(), "digest": model.digest().to_string(),
            });
            out["publisher"] = verdict.publisher().into();
            out["result"] = model.describe(&disclosed_outcome(model, &bundle.result)).into();
            out["disclosure"] = bundle.result.disclosure.to_string().into();
            out["assurance"] = variant(bundle).assurance.to_string().into();
            out["created_at_as_claimed"] = bundle.created_at.clone().into();
            out["input_commitment"] = bundle.input_commitment.clone().into();
            out["device_signature"] = verdict.signer().into();
            let (answers, fresh) = match checked.freshness {
                Some(Freshness::Fresh(c)) => (Some(c), Some(true)),
                Some(Freshness::NotAsked { answers }) => (answers, None),
                None => (None, None),
            };
            out["challenge"] = serde_json::json!({
                "answered": answers.map(|c| c.to_string()),
                "yours": against.challenge.map(|c| c.to_string()),
                "fresh": fresh,
            });
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::from(verdict.exit_code()));
    }
    println!("{}", verdict.headline());
    let Some((bundle, model)) = details else {
        println!("reason     {}", verdict.reason().unwrap_or("unknown"));
        return Ok(ExitCode::from(verdict.exit_code()));
    };
    let outcome = disclosed_outcome(model, &bundle.result);
    println!("model      {} (version {}, {})", model.name(), model.version(), model.digest());
    println!("publisher  {} (trust list {})", verdict.publisher().unwrap_or("unknown"), trust_path.display());
    println!("result     {}", model.describe(&outcome));
    println!("disclosed  {}: {}", bundle.result.disclosure, bundle.result.disclosure.explain());
    let assurance = variant(bundle).assurance;
    println!("assurance  {assurance}: {}", assurance.explain());
    if let Some(f) = &checked.freshness {
        println!("fresh      {}", f.describe());
    }
    println!("made       {} (as the bundle states; not proven)", bundle.created_at);
    println!("input      committed as {} (not disclosed)", bundle.input_commitment);
    match verdict.signer() {
        Some(fp) => println!("signed     by device key {fp}"),
        None => println!("signed     no (no device signature)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `zkdx open`: does this record, with this salt, open the input commitment of a bundle
/// whose proof verifies? MATCHES (exit 0), DOES NOT MATCH (exit 1); a bundle that does not
/// verify is an error (exit 2), never a match.
pub fn open_cmd(
    bundle_path: &Path,
    record: &Path,
    salt_file: &Path,
    model: Option<&Path>,
    models_dir: &Path,
) -> Result<ExitCode> {
    let bundle = read_bundle(bundle_path)?;
    let model = resolve_model(&bundle, model, models_dir)?;
    // 64 hex digits and a line end, with room for a CRLF or stray spaces
    let salt = read_secret(salt_file, 256).map_err(anyhow::Error::msg)?.parse::<Salt>()?;
    let values = model.read_input(record).with_context(|| format!("cannot use record {}", record.display()))?.values;
    if opens_commitment(&bundle, &model, &values, &salt).map_err(anyhow::Error::msg)? {
        println!("MATCHES: this record is the input the bundle's proof was made on");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("DOES NOT MATCH: this record (with this salt) is not the committed input");
        Ok(ExitCode::FAILURE)
    }
}
