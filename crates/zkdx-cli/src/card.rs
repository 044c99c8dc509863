//! `zkdx card …`: a model publisher's keys and endorsements, and checking a model against a
//! trust list.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use zkdx_bundle::io::{read_secret, write_atomically, write_secret};
use zkdx_bundle::trust::{approval, new_publisher_key, publisher_key_from_hex, Approval, Endorsement, TrustList};
use zkdx_circuit::ModelCircuit;
use zkdx_model::Disclosure;

/// `zkdx card keygen`: a new publisher key; the secret to an owner-only file, the public
/// half printed (for trust lists).
pub fn keygen(secret_out: &Path) -> Result<ExitCode> {
    let (secret, public) = new_publisher_key();
    write_secret(secret_out, format!("{secret}\n").as_bytes())
        .with_context(|| format!("cannot write the secret key to {}", secret_out.display()))?;
    println!("public key {public}");
    println!("secret key {} (only you can read it; never share or commit it)", secret_out.display());
    Ok(ExitCode::SUCCESS)
}

/// `zkdx card sign`: endorse a model (digest, card, circuits) with the key in `secret_file`.
pub fn sign(model_path: &Path, secret_file: &Path) -> Result<ExitCode> {
    let model = crate::commands::load(model_path)?;
    let secret = read_secret(secret_file, 256).map_err(anyhow::Error::msg)?;
    let key = publisher_key_from_hex(&secret)?;
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .context("cannot format the time")?;
    let e = Endorsement::sign(&model, &key, now)?;
    let out = Endorsement::path_for(&model);
    let bytes = serde_json::to_string_pretty(&e)? + "\n";
    write_atomically(&out, bytes.as_bytes()).with_context(|| format!("cannot write {}", out.display()))?;
    println!("endorsed   {} ({}) by key {}", model.id, model.digest, e.publisher_key);
    println!("written    {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `zkdx card verify`: whether the trust list approves the model, for every disclosure
/// (exit 0), or not (exit 3).
pub fn verify(model_path: &Path, trust_path: &Path) -> Result<ExitCode> {
    let model = crate::commands::load(model_path)?;
    let trust = TrustList::load(trust_path)?;
    let mut all = true;
    for disclosure in [Disclosure::Label, Disclosure::Coarse, Disclosure::Exact] {
        let Ok(circuit) = ModelCircuit::build(&model, disclosure) else { continue };
        match approval(&model, &circuit.verifier_fingerprint(), disclosure, &trust) {
            Approval::Approved { publisher } => println!("{disclosure:<6} APPROVED by {publisher}"),
            Approval::Unapproved(why) => {
                all = false;
                println!("{disclosure:<6} UNAPPROVED: {why}");
            }
        }
    }
    Ok(if all { ExitCode::SUCCESS } else { ExitCode::from(3) })
}
