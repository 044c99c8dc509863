//! `zkdx`: the command-line face of the zkDx engine, for patients' scripts, clinicians and
//! regulators. Errors are reported with `anyhow` here, at the binary's edge.

mod bench;
mod card;
mod commands;
mod proofs;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
