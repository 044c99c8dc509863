//! `zkdx prove`, `zkdx verify` and `zkdx open`: the patient's and the clinician's verbs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use zkdx_bundle::make::{make_bundle, now_rfc3339};
use zkdx_bundle::{check_bundle, ProofBundle};
use zkdx_circuit::prove::input_commitment;
use zkdx_circuit::{prove, ModelCircuit, Salt};
use zkdx_model::Model;

const STAGES: [&str; 5] =
    ["reading the record", "building the circuit", "proving", "checking the proof", "writing the bundle"];

fn progress(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(STAGES.len() as u64);
    let style = ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// `zkdx prove`.
pub fn prove_cmd(
    model_path: &Path,
    record: &Path,
    out: Option<PathBuf>,
    salt_out: Option<PathBuf>,
    quiet: bool,
) -> Result<ExitCode> {
    let model = crate::commands::load(model_path)?;
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{}.zkdx.json", model.id)));
    let bar = progress(quiet);
    bar.set_message(STAGES[0]);
    let values = model.read_record(record).with_context(|| format!("cannot use record {}", record.display()))?;
    let input = model.quantise_input(&values);
    bar.inc(1);
    bar.set_message(STAGES[1]);
    let circuit = ModelCircuit::build(&model)?;
    bar.inc(1);
    bar.set_message(STAGES[2]);
    let salt = Salt::random();
    let proof = prove(&circuit, &model, &input, &salt)?;
    bar.inc(1);
    bar.set_message(STAGES[3]);
    zkdx_circuit::verify(&circuit, &proof.bytes).context("the fresh proof does not verify; this is a bug")?;
    bar.inc(1);
    bar.set_message(STAGES[4]);
    let bundle = make_bundle(&model, &proof, now_rfc3339());
    write_atomically(&out, &bundle.to_bytes())?;
    if let Some(p) = &salt_out {
        write_atomically(p, format!("{}\n", salt.to_hex()).as_bytes())?;
    }
    bar.inc(1);
    bar.finish_and_clear();
    let outcome = model.interpret(&proof.public.outputs);
    println!("result     {}", model.describe(&outcome));
    println!("bundle     {} ({} byte proof)", out.display(), proof.bytes.len());
    match &salt_out {
        Some(p) => println!("salt       written to {} (keep it private; it opens the input commitment)", p.display()),
        None => println!("salt       {} (keep it private; it opens the input commitment)", salt.to_hex()),
    }
    Ok(ExitCode::SUCCESS)
}

/// Write a file through a temporary file in the same folder, synced, then renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().context("the output path has no file name")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

fn read_bundle(path: &Path) -> Result<ProofBundle> {
    let len = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len();
    if len > zkdx_bundle::format::MAX_BUNDLE_BYTES as u64 {
        bail!("{} is {len} bytes, larger than any zkDx bundle", path.display());
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(ProofBundle::from_bytes(&bytes)?)
}

/// The model a bundle names, from `--model` or the models folder.
fn resolve_model(bundle: &ProofBundle, model: Option<&Path>, models_dir: &Path) -> Result<Model> {
    let path = match model {
        Some(p) => p.to_path_buf(),
        None => {
            let id = &bundle.model.id;
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                bail!("the bundle names an invalid model id; give the model with --model");
            }
            let p = models_dir.join(format!("{id}.onnx"));
            if !p.is_file() {
                bail!("model `{id}` is not in {}; give the model with --model", models_dir.display());
            }
            p
        }
    };
    crate::commands::load(&path)
}

/// `zkdx verify`: VALID (exit 0) or INVALID with the reason (exit 1).
pub fn verify_cmd(bundle_path: &Path, model: Option<&Path>, models_dir: &Path) -> Result<ExitCode> {
    let bundle = match read_bundle(bundle_path) {
        Ok(b) => b,
        Err(e) => return Ok(invalid(&format!("{e:#}"))),
    };
    let model = match resolve_model(&bundle, model, models_dir) {
        Ok(m) => m,
        Err(e) => return Ok(invalid(&format!("{e:#}"))),
    };
    let circuit = ModelCircuit::build(&model)?;
    let verdict = check_bundle(&bundle, &model, &circuit);
    if !verdict.valid {
        return Ok(invalid(verdict.reason.as_deref().unwrap_or("unknown")));
    }
    let outcome = model.interpret(&bundle.result.outputs);
    println!("VALID");
    println!("model      {} (version {}, {})", model.name(), model.version(), model.digest);
    println!("result     {}", model.describe(&outcome));
    println!("made       {}", bundle.created_at);
    println!("input      committed as {} (not disclosed)", bundle.input_commitment);
    Ok(ExitCode::SUCCESS)
}

fn invalid(reason: &str) -> ExitCode {
    println!("INVALID");
    println!("reason     {reason}");
    ExitCode::FAILURE
}

/// `zkdx open`: does this record, with this salt, open the bundle's input commitment?
pub fn open_cmd(
    bundle_path: &Path,
    record: &Path,
    salt: &str,
    model: Option<&Path>,
    models_dir: &Path,
) -> Result<ExitCode> {
    let bundle = read_bundle(bundle_path)?;
    let model = resolve_model(&bundle, model, models_dir)?;
    if bundle.model.digest != model.digest.to_string() {
        bail!("the bundle is for another model ({})", bundle.model.digest);
    }
    let salt = Salt::from_hex(salt).map_err(anyhow::Error::msg)?;
    let values = model.read_record(record).with_context(|| format!("cannot use record {}", record.display()))?;
    let commitment = input_commitment(&model.quantise_input(&values), &salt);
    if commitment == bundle.commitment()? {
        println!("MATCHES: this record is the input the bundle's proof was made on");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("DOES NOT MATCH: this record (with this salt) is not the committed input");
        Ok(ExitCode::FAILURE)
    }
}
