//! `zkdx card-sync` (hidden; a publisher's tool after training): writes the measured digest
//! and accuracy into a model's card.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use zkdx_model::evaluate::evaluate;
use zkdx_model::Model;

use crate::args::default_split;

/// `zkdx card-sync`.
pub fn run(path: &Path) -> Result<ExitCode> {
    let m = Model::load_unchecked(path)?;
    let card_path = path.with_extension("json");
    let mut card = m.card().cloned().context("no model card next to the model")?;
    let e = evaluate(&m, &default_split(&m))?;
    card.digest = Some(m.digest().to_string());
    let metrics = [
        ("float_accuracy", e.float_accuracy),
        ("quantised_accuracy", e.quantised_accuracy),
        ("float_mae", e.float_mae),
        ("quantised_mae", e.quantised_mae),
        ("worst_quantisation_error", Some(e.worst_error)),
    ];
    for (k, v) in metrics {
        if let Some(v) = v {
            card.metrics.insert(k.into(), (v * 1e6).round() / 1e6);
        }
    }
    let text = serde_json::to_string_pretty(&card)? + "\n";
    std::fs::write(&card_path, text)?;
    println!("{}: digest {}, metrics {:?}", card_path.display(), m.digest(), card.metrics);
    Ok(ExitCode::SUCCESS)
}
