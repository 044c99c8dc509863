//! `zkdx prove`: the patient's verb: a proof bundle (no input inside) and its salt.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use zkdx_bundle::make::disclosed_outcome;
use zkdx_bundle::workflow::{estimate_text, prove_diagnosis_with, ProveOptions, Stage};
use zkdx_model::io::{check_output_target, check_secret_target, write_output, write_secret};
use zkdx_model::Disclosure;

use crate::args::{load, progress, read_input, Input};

/// `zkdx prove`: `disclose` as chosen, or the model's default.
pub fn run(
    model_path: &Path,
    input: &Input,
    out: Option<PathBuf>,
    salt_out: Option<PathBuf>,
    quiet: bool,
    disclose: Option<Disclosure>,
    options: ProveOptions,
) -> Result<ExitCode> {
    let model = load(model_path)?;
    let disclose = disclose.unwrap_or_else(|| model.default_disclosure());
    let options = &ProveOptions { disclosure: disclose, ..options };
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
    let values = read_input(&model, input)?;
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
