//! `zkdx audit`: a regulator checks a folder of bundles and keeps the report.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use zkdx_bundle::audit::audit_folder;
use zkdx_bundle::make::now_rfc3339;
use zkdx_model::io::{check_output_target, write_output};

/// Audit `folder`; print one line per bundle and the summary, and write the reports asked
/// for (each output checked before any bundle is).
pub fn run(folder: &Path, models: &Path, trust: &Path, json: Option<&Path>, html: Option<&Path>) -> Result<ExitCode> {
    for out in json.into_iter().chain(html).filter(|p| p.as_os_str() != "-") {
        check_output_target(out).with_context(|| format!("cannot write the report to {}", out.display()))?;
    }
    let report = audit_folder(folder, models, trust, now_rfc3339()).map_err(anyhow::Error::msg)?;
    let to_stdout = json.is_some_and(|p| p.as_os_str() == "-");
    let mut lines = Vec::new();
    for b in &report.bundles {
        let detail = match (&b.reason, &b.result) {
            (Some(reason), _) => reason.clone(),
            (None, Some(result)) => format!("{result} ({})", b.publisher.as_deref().unwrap_or("no publisher")),
            (None, None) => String::new(),
        };
        lines.push(format!("{:<29} {}  {detail}", b.outcome, b.file));
    }
    let counts: Vec<String> = report.summary.iter().map(|(k, v)| format!("{v} {k}")).collect();
    lines.push(format!(
        "{} bundle(s) in {}: {}",
        report.bundles.len(),
        folder.display(),
        if counts.is_empty() { "none".to_string() } else { counts.join(", ") }
    ));
    for line in lines {
        // with the JSON report on standard output, the readable lines go to standard error
        if to_stdout {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
    if let Some(path) = json {
        write_output(path, &report.to_json()).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = html {
        write_output(path, report.to_html().as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(ExitCode::from(report.exit_code()))
}
