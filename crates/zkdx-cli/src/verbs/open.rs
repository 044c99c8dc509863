//! `zkdx open`: whether a record and its salt open a verified bundle's input commitment.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use zkdx_bundle::workflow::opens_commitment_of_files;
use zkdx_circuit::Salt;
use zkdx_model::io::read_secret;

/// `zkdx open`: does this record, with this salt, open the input commitment of a bundle
/// whose proof verifies? MATCHES (exit 0), DOES NOT MATCH (exit 1); a bundle that does not
/// verify is an error (exit 2), never a match.
pub fn run(
    bundle_path: &Path,
    record: &Path,
    salt_file: &Path,
    model: Option<&Path>,
    models_dir: &Path,
) -> Result<ExitCode> {
    // 64 hex digits and a line end, with room for a CRLF or stray spaces
    let salt = read_secret(salt_file, 256).map_err(anyhow::Error::msg)?.parse::<Salt>()?;
    if opens_commitment_of_files(bundle_path, record, &salt, model, models_dir)? {
        println!("MATCHES: this record is the input the bundle's proof was made on");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("DOES NOT MATCH: this record (with this salt) is not the committed input");
        Ok(ExitCode::FAILURE)
    }
}
