//! `zkdx challenge`: the clinician's freshness challenge code.

use std::process::ExitCode;

use anyhow::Result;
use zkdx_circuit::Challenge;

/// `zkdx challenge`: a fresh challenge code, and how each side uses it.
pub fn run() -> Result<ExitCode> {
    let c = Challenge::random();
    println!("challenge  {c}");
    println!("patient    zkdx prove MODEL RECORD --challenge {c}");
    println!("you        zkdx verify BUNDLE --challenge {c}");
    println!("(not a secret: it only ties the patient's proof to this request; issue a new one per request)");
    Ok(ExitCode::SUCCESS)
}
