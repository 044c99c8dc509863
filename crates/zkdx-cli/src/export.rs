//! `zkdx export-fhir` and `zkdx report`: what a clinician files from a bundle, after
//! checking it exactly as `zkdx verify` does.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use zkdx_bundle::fhir::export_checked;
use zkdx_bundle::io::{check_output_target, write_output};
use zkdx_bundle::make::now_rfc3339;
use zkdx_bundle::report::report_pdf;
use zkdx_bundle::workflow::{read_and_check_bundle_file, Checked};

use crate::proofs::Checking;

/// Check the output path first, then the bundle: its bytes and its verdict.
fn check(bundle_path: &Path, out: &Path, against: &Checking) -> Result<(Vec<u8>, Checked)> {
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
fn finish(out: &Path, bytes: &[u8], checked: &Checked, what: &str) -> Result<ExitCode> {
    write_output(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    let shown = if out.as_os_str() == "-" { "standard output".to_string() } else { out.display().to_string() };
    eprintln!("{}: {what} written to {shown}", checked.verdict.headline());
    Ok(ExitCode::from(checked.verdict.exit_code()))
}

/// `zkdx export-fhir`.
pub fn fhir_cmd(bundle_path: &Path, out: &Path, against: &Checking) -> Result<ExitCode> {
    let (bytes, checked) = check(bundle_path, out, against)?;
    match export_checked(&bytes, &checked, &now_rfc3339()) {
        Ok(fhir) => {
            finish(out, &(serde_json::to_string_pretty(&fhir)? + "\n").into_bytes(), &checked, "FHIR R4 Bundle")
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(checked.verdict.exit_code()))
        }
    }
}

/// `zkdx report`.
pub fn report_cmd(bundle_path: &Path, out: &Path, against: &Checking) -> Result<ExitCode> {
    let (bytes, checked) = check(bundle_path, out, against)?;
    finish(out, &report_pdf(&bytes, &checked, &now_rfc3339()), &checked, "report")
}
