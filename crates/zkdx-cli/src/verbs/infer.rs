//! `zkdx infer`: a model on a patient's values, quantised and float side by side.

use std::process::ExitCode;

use anyhow::Result;
use zkdx_model::model::Outcome;
use zkdx_model::Model;

use crate::args::{read_input, Input};

/// `zkdx infer`.
pub fn run(m: &Model, input: &Input) -> Result<ExitCode> {
    let values = read_input(m, input)?;
    let d = m.diagnose(&values)?;
    println!("model      {} ({})", m.name(), m.digest());
    print_outcome(m, "quantised", &d.quantised);
    print_outcome(m, "float", &d.float);
    println!("max |quantised − float| = {:.6}", d.max_error);
    Ok(ExitCode::SUCCESS)
}

fn print_outcome(m: &Model, what: &str, o: &Outcome) {
    println!("{what:<10} {}", m.describe(o));
}
