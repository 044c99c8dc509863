//! `zkdx digest`: a model's digest (its commitment), from the ONNX file alone.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use zkdx_model::Model;

/// `zkdx digest`: the digest, whatever the card beside the model says.
pub fn run(model: &Path) -> Result<ExitCode> {
    println!("{}", Model::load_unchecked(model)?.digest());
    Ok(ExitCode::SUCCESS)
}
