//! `zkdx report`: a checked bundle's verdict as a one-page PDF.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use zkdx_bundle::make::now_rfc3339;
use zkdx_bundle::report::report_pdf;

use crate::args::{check_for_export, finish_export, Checking};

/// `zkdx report`.
pub fn run(bundle_path: &Path, out: &Path, against: &Checking) -> Result<ExitCode> {
    let (bytes, checked) = check_for_export(bundle_path, out, against)?;
    finish_export(out, &report_pdf(&bytes, &checked, &now_rfc3339()), &checked, "report")
}
