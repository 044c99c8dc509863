//! `zkdx calibrate`: a model publisher's choice of the fixed-point scale, measured on their
//! data (label or score agreement with the float model, worst output error, field headroom,
//! circuit size at each candidate scale) and written into the card.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use zkdx_circuit::ModelCircuit;
use zkdx_model::calibrate::{card_of, choose, read_data, record_choice, trials};
use zkdx_model::io::{read_limited, write_atomically, MAX_DATA_BYTES};

use crate::args::load;

/// `zkdx calibrate`: the trade-off table, the chosen scale, and (unless `dry_run`) the card
/// updated. Exit 0 when a scale was chosen.
pub fn run(model_path: &Path, data: &Path, tolerance: f64, dry_run: bool) -> Result<ExitCode> {
    let model = load(model_path)?;
    let card_path = model.path().with_extension("json");
    let mut card = card_of(&model)?;
    let bytes = read_limited(data, MAX_DATA_BYTES).with_context(|| format!("cannot read {}", data.display()))?;
    let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", data.display()))?;
    let data_set = read_data(&model, &text, &data.display().to_string())?;
    println!("data       {} records from {}", data_set.records.len(), data.display());
    if data_set.skipped > 0 {
        println!("left out   {} rows outside the card's ranges or allowed values:", data_set.skipped);
        for why in &data_set.reasons {
            println!("           {why}");
        }
    }
    let tried = trials(&model, &data_set.records);
    let rows: Vec<Option<usize>> = tried
        .iter()
        .map(|t| {
            let (_, m) = t.outcome.as_ref().ok()?;
            ModelCircuit::build(m, m.default_disclosure()).ok().map(|c| c.stats().gates)
        })
        .collect();
    println!("scale      agreement            worst error   headroom   circuit ({} proof)", model.default_disclosure());
    for (t, r) in tried.iter().zip(&rows) {
        match (&t.outcome, r) {
            (Ok((a, _)), Some(r)) => println!(
                "2^{:<7}  {:>5}/{:<5} ({:>6.2} %)  {:<12.6}  {:>2} bits    {r} rows",
                t.scale_bits,
                a.agreeing,
                a.records,
                100.0 * a.agreeing as f64 / a.records as f64,
                a.worst_error,
                a.headroom_bits,
            ),
            (Ok(_), None) => println!("2^{:<7}  no circuit at this scale", t.scale_bits),
            (Err(why), _) => println!("2^{:<7}  not usable: {why}", t.scale_bits),
        }
    }
    let candidates: Vec<_> =
        tried.iter().zip(&rows).filter_map(|(t, r)| Some((t.scale_bits, &t.outcome.as_ref().ok()?.0, (*r)?))).collect();
    let Some(bits) = choose(&candidates, tolerance) else {
        anyhow::bail!("no scale could be measured on this data");
    };
    let Some((agreement, chosen)) = tried.iter().find(|t| t.scale_bits == bits).and_then(|t| t.outcome.as_ref().ok())
    else {
        anyhow::bail!("the chosen scale 2^{bits} was not measured");
    };
    println!(
        "chosen     2^{bits}: {}/{} records agree, worst error {:.6} (tolerance {tolerance}), {} bits of headroom",
        agreement.agreeing, agreement.records, agreement.worst_error, agreement.headroom_bits
    );
    if dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let before = card.scale_bits;
    record_choice(&mut card, chosen, agreement);
    write_atomically(&card_path, (serde_json::to_string_pretty(&card)? + "\n").as_bytes())
        .with_context(|| format!("cannot write {}", card_path.display()))?;
    println!("card       {} (scale_bits {bits}, calibration metrics)", card_path.display());
    if before != Some(bits) || model.digest() != chosen.digest() {
        println!("digest     {} (the scale is part of it: sign the card again with `zkdx card sign`)", chosen.digest());
    }
    Ok(ExitCode::SUCCESS)
}
