//! `zkdx accuracy`: the quantised model against the float model on a labelled split.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use zkdx_model::evaluate::evaluate;
use zkdx_model::Model;

use crate::args::default_split;

/// `zkdx accuracy`: exit 0 when every record gives the same result, else 1.
pub fn run(m: &Model, data: Option<PathBuf>) -> Result<ExitCode> {
    let data = data.unwrap_or_else(|| default_split(m));
    let e = evaluate(m, &data)?;
    println!("model      {} ({})", m.name(), m.digest());
    println!("records    {} ({})", e.records, data.display());
    if let (Some(f), Some(q)) = (e.float_accuracy, e.quantised_accuracy) {
        println!(
            "accuracy   float {f:.4} (95 % CI {:.4}–{:.4}), quantised {q:.4} (95 % CI {:.4}–{:.4})",
            e.float_ci.0, e.float_ci.1, e.quantised_ci.0, e.quantised_ci.1
        );
    }
    if let (Some(f), Some(q)) = (e.float_mae, e.quantised_mae) {
        println!(
            "MAE        float {f:.4} (95 % CI {:.4}–{:.4}), quantised {q:.4} (95 % CI {:.4}–{:.4})",
            e.float_ci.0, e.float_ci.1, e.quantised_ci.0, e.quantised_ci.1
        );
    }
    println!("agreement  {}/{} records give the same result", e.agreeing, e.records);
    println!("worst |quantised − float| logit/score error: {:.6}", e.worst_error);
    Ok(if e.agreeing == e.records { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
