//! What several verbs share: loading a model, reading a patient's input (record or FHIR),
//! what a bundle is checked against, the proof progress bar, and checking a bundle before
//! exporting it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use zkdx_bundle::workflow::{read_and_check_bundle_file, Checked};
use zkdx_bundle::TrustList;
use zkdx_circuit::Challenge;
use zkdx_model::io::{check_output_target, write_output};
use zkdx_model::{record, Model};

/// Load a model, with the path in the error.
pub fn load(path: &Path) -> Result<Model> {
    Model::load(path).with_context(|| format!("cannot use model {}", path.display()))
}

/// What a bundle is checked against (as `zkdx verify` takes it).
#[derive(clap::Args, Debug)]
pub struct Against {
    /// The model (ONNX or card); default: the bundle's model id in --models.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Where shipped models live.
    #[arg(long, default_value = "models")]
    models: PathBuf,
    /// The trust list (publishers and model digests you accept); default:
    /// <models>/trust.json, the one zkDx ships.
    #[arg(long)]
    trust: Option<PathBuf>,
    /// The challenge code you issued (`zkdx challenge`): a bundle that answers another
    /// challenge, or none, is INVALID.
    #[arg(long, value_name = "CODE")]
    challenge: Option<Challenge>,
}

impl From<Against> for Checking {
    fn from(a: Against) -> Self {
        Checking { model: a.model, models: a.models, trust: a.trust, challenge: a.challenge }
    }
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

/// Where a patient's values come from: a record file, or FHIR R4 observations.
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Input {
    /// The patient record (.csv or .json; a FHIR R4 Observation or Bundle is read as FHIR).
    record: Option<PathBuf>,
    /// FHIR R4 observations (a Bundle, or one Observation): each feature is found by its
    /// card code (LOINC) and converted to the card's unit; the conversions are shown.
    #[arg(long, value_name = "FILE")]
    fhir: Option<PathBuf>,
}

/// The patient's values in the model's order, from a record or FHIR; each unit conversion
/// is shown (on standard error) before anything is proved.
pub fn read_input(m: &Model, input: &Input) -> Result<Vec<f64>> {
    let imported = match (&input.record, &input.fhir) {
        (_, Some(fhir)) => record::read_file(fhir)
            .and_then(|(bytes, _)| m.import_fhir(&bytes))
            .with_context(|| format!("cannot use FHIR file {}", fhir.display()))?,
        (Some(record), None) => {
            m.read_input(record).with_context(|| format!("cannot use record {}", record.display()))?
        }
        (None, None) => anyhow::bail!("give a record file or --fhir FILE"),
    };
    for c in &imported.conversions {
        eprintln!("converted  {c}");
    }
    Ok(imported.values)
}

/// A model's shipped test split: `data/<id>-test.csv` beside it.
pub fn default_split(m: &Model) -> PathBuf {
    m.path().with_file_name("data").join(format!("{}-test.csv", m.id()))
}

/// The progress bar of a proof (hidden with `--quiet`).
pub fn progress(quiet: bool) -> ProgressBar {
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

/// Check the output path first, then the bundle: its bytes and its verdict.
pub fn check_for_export(bundle_path: &Path, out: &Path, against: &Checking) -> Result<(Vec<u8>, Checked)> {
    if out.as_os_str() != "-" {
        check_output_target(out).with_context(|| format!("cannot write to {}", out.display()))?;
    }
    Ok(read_and_check_bundle_file(
        bundle_path,
        against.model.as_deref(),
        &against.models,
        &against.trust_path(),
        against.challenge.as_ref(),
    ))
}

/// Write `bytes` and say where, with the verdict; the exit status is the verdict's.
pub fn finish_export(out: &Path, bytes: &[u8], checked: &Checked, what: &str) -> Result<ExitCode> {
    write_output(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    let shown = if out.as_os_str() == "-" { "standard output".to_string() } else { out.display().to_string() };
    eprintln!("{}: {what} written to {shown}", checked.verdict.headline());
    Ok(ExitCode::from(checked.verdict.exit_code()))
}
