//! `zkdx verify`: a bundle's verdict, as text or JSON, with its exit status.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use indicatif::ProgressBar;
use zkdx_bundle::make::disclosed_outcome;
use zkdx_bundle::verdict::variant;
use zkdx_bundle::workflow::check_bundle_file;
use zkdx_bundle::Freshness;

use crate::args::Checking;

/// `zkdx verify`: VALID (exit 0), INVALID (exit 1), CANNOT CHECK (exit 2) or VALID PROOF,
/// UNAPPROVED MODEL (exit 3), each but VALID with its reason; as text or (`json`) one JSON
/// object.
pub fn run(bundle_path: &Path, against: &Checking, json: bool) -> Result<ExitCode> {
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
