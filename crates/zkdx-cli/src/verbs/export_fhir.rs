//! `zkdx export-fhir`: a checked bundle as a FHIR R4 Bundle for a records system.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use zkdx_bundle::fhir::export_checked;
use zkdx_bundle::make::now_rfc3339;

use crate::args::{check_for_export, finish_export, Checking};

/// `zkdx export-fhir`.
pub fn run(bundle_path: &Path, out: &Path, against: &Checking) -> Result<ExitCode> {
    let (bytes, checked) = check_for_export(bundle_path, out, against)?;
    match export_checked(&bytes, &checked, &now_rfc3339()) {
        Ok(fhir) => {
            finish_export(out, &(serde_json::to_string_pretty(&fhir)? + "\n").into_bytes(), &checked, "FHIR R4 Bundle")
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(checked.verdict.exit_code()))
        }
    }
}
