//! `zkdx card …`: a model publisher's keys and endorsements, and checking a model against a
//! trust list.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use zkdx_bundle::trust::{approval, new_publisher_key, publisher_key_from_hex, Approval, Endorsement, TrustList};
use zkdx_circuit::ModelCircuit;
use zkdx_model::cyclonedx::{ml_bom, BomContext};
use zkdx_model::draft::{draft_card, DraftOptions, FILL_IN};
use zkdx_model::evaluate::evaluate;
use zkdx_model::io::{
    check_output_target, read_limited, read_secret, write_atomically, write_output, write_secret, MAX_DATA_BYTES,
};
use zkdx_model::Disclosure;

/// `zkdx card init`: a draft card for a model from its training data.
pub fn init(
    model_path: &Path,
    data: &Path,
    target: Option<String>,
    labels: Option<Vec<String>>,
    output: Option<std::path::PathBuf>,
) -> Result<ExitCode> {
    let out = output.unwrap_or_else(|| model_path.with_extension("json"));
    if out.exists() {
        anyhow::bail!("{} already exists; zkDx never replaces a card: give another path with -o", out.display());
    }
    check_output_target(&out).with_context(|| format!("cannot write the card to {}", out.display()))?;
    let bytes = zkdx_model::model::read_onnx(model_path)?;
    let csv = String::from_utf8(
        read_limited(data, MAX_DATA_BYTES).with_context(|| format!("cannot read {}", data.display()))?,
    )
    .with_context(|| format!("{} is not UTF-8 text", data.display()))?;
    let options = DraftOptions { id: None, labels, target };
    let card = draft_card(&bytes, model_path, &csv, &options)
        .with_context(|| format!("zkDx cannot use {} as it is", model_path.display()))?;
    // the engine must also be able to prove it, not only load it
    let model = zkdx_model::Model::from_bytes(&bytes, model_path, Some(card.clone()))?;
    ModelCircuit::build(&model, model.default_disclosure())
        .with_context(|| format!("zkDx cannot prove {}", model_path.display()))?;
    write_output(&out, (serde_json::to_string_pretty(&card)? + "\n").as_bytes())
        .with_context(|| format!("cannot write {}", out.display()))?;
    let categorical: Vec<String> = card
        .features
        .iter()
        .filter_map(|f| f.allowed.as_ref().map(|a| format!("{} ({} values)", f.name, a.len())))
        .collect();
    println!("card       {} ({} features, {:?})", out.display(), card.features.len(), card.kind);
    if !categorical.is_empty() {
        println!("categorical {}", categorical.join(", "));
    }
    println!("next       fill in every `{FILL_IN}` field (and codes and UCUM units for health records), then");
    println!("           `zkdx accuracy` on a test split and `zkdx card sign` (which refuses a card with `{FILL_IN}`)");
    Ok(ExitCode::SUCCESS)
}

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
pub fn sign(model_path: &Path, secret_file: &Path, compact: bool) -> Result<ExitCode> {
    let model = crate::args::load(model_path)?;
    if let Some(card) = &model.card() {
        if serde_json::to_string(card)?.contains(FILL_IN) {
            anyhow::bail!(
                "the card of {} still has `{FILL_IN}` fields: a publisher fills them before endorsing it",
                model_path.display()
            );
        }
    }
    let secret = read_secret(secret_file, 256).map_err(anyhow::Error::msg)?;
    let key = publisher_key_from_hex(&secret)?;
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .context("cannot format the time")?;
    let e = Endorsement::sign_with(&model, &key, now, compact)?;
    let out = Endorsement::path_for(&model);
    let bytes = serde_json::to_string_pretty(&e)? + "\n";
    write_atomically(&out, bytes.as_bytes()).with_context(|| format!("cannot write {}", out.display()))?;
    println!("endorsed   {} ({}) by key {}", model.id(), model.digest(), e.publisher_key);
    println!("written    {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `zkdx card export --cyclonedx`: the model as a CycloneDX 1.6 ML-BOM, with the accuracy
/// measured now on the held-out split beside it (if there is one).
pub fn export_cyclonedx(model_path: &Path, output: &Path) -> Result<ExitCode> {
    if output.as_os_str() != "-" {
        check_output_target(output).with_context(|| format!("cannot write {}", output.display()))?;
    }
    let model = crate::args::load(model_path)?;
    let split = crate::args::default_split(&model);
    let evaluation = if split.is_file() {
        Some(evaluate(&model, &split).with_context(|| format!("cannot measure accuracy on {}", split.display()))?)
    } else {
        None
    };
    let file_sha256 = model.file_sha256()?;
    let mut properties = Vec::new();
    for disclosure in zkdx_model::disclosure::available(model.graph().head) {
        let circuit = ModelCircuit::build(&model, disclosure)?;
        properties.push((format!("zkdx:verifier_fingerprint:{disclosure}"), circuit.verifier_fingerprint()));
    }
    let mut serial = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut serial);
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .context("cannot format the time")?;
    let cx = BomContext {
        serial,
        timestamp: &now,
        tool_version: env!("CARGO_PKG_VERSION"),
        file_sha256: &file_sha256,
        evaluation: evaluation.as_ref(),
        properties,
    };
    let bom = ml_bom(&model, &cx);
    let bytes = serde_json::to_string_pretty(&bom)? + "\n";
    write_output(output, bytes.as_bytes()).with_context(|| format!("cannot write {}", output.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// `zkdx card verify`: whether the trust list approves the model, for every disclosure
/// (exit 0), or not (exit 3).
pub fn verify(model_path: &Path, trust_path: &Path) -> Result<ExitCode> {
    let model = crate::args::load(model_path)?;
    let trust = TrustList::load(trust_path)?;
    let mut all = true;
    for disclosure in [Disclosure::Label, Disclosure::Coarse, Disclosure::Exact] {
        let Ok(circuit) = ModelCircuit::build(&model, disclosure) else { continue };
        match approval(&model, &circuit.verifier_fingerprint(), disclosure.into(), &trust) {
            Approval::Approved { publisher } => println!("{disclosure:<6} APPROVED by {publisher}"),
            Approval::Unapproved(why) => {
                all = false;
                println!("{disclosure:<6} UNAPPROVED: {why}");
            }
        }
    }
    Ok(if all { ExitCode::SUCCESS } else { ExitCode::from(3) })
}
