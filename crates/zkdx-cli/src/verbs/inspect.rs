//! `zkdx inspect`: a model's ops, shapes, parameters, scale, digest and circuits.

use std::process::ExitCode;

use anyhow::Result;
use zkdx_circuit::config::{self, Assurance};
use zkdx_circuit::segment::SegmentPlan;
use zkdx_circuit::Variant;
use zkdx_model::Model;

/// The segment size `inspect` reports for a model larger than one circuit (about 9 GB of
/// memory per segment).
const SEGMENT_BITS: usize = 17;

/// For a model larger than one circuit, how many segments of 2^[`SEGMENT_BITS`] rows it
/// needs; `None` for a model that fits one circuit.
fn segments_needed(m: &Model, disclosure: zkdx_model::Disclosure) -> Result<Option<usize>> {
    if m.graph().macs() <= config::CHECK_SIZE_ABOVE_MACS
        || SegmentPlan::new(m, disclosure, config::MAX_DEGREE_BITS)?.segments() == 1
    {
        return Ok(None);
    }
    Ok(Some(SegmentPlan::new(m, disclosure, SEGMENT_BITS)?.segments()))
}

/// `zkdx inspect`.
pub fn run(m: &Model) -> Result<ExitCode> {
    let g = &m.graph();
    println!("model      {} ({}, version {})", m.name(), m.id(), m.version());
    println!("digest     {} (zkDx digest of the quantised graph; docs/digest.md)", m.digest());
    println!("file       sha256 {} ({})", m.file_sha256()?, m.path().display());
    for note in m.lowering_notes() {
        println!("lowered    {note}");
    }
    println!("scale      2^{} (values are integers / {})", g.scale_bits, 1u64 << g.scale_bits);
    println!("input      {:?} ({} features)", g.input_shape, g.inputs.len());
    println!("parameters {}", g.parameters());
    println!("MACs       {}", g.macs());
    println!("head       {:?} → {}", g.head, g.outputs.join(", "));
    for disclosure in zkdx_model::disclosure::available(g.head) {
        if let Some(segments) = segments_needed(m, disclosure)? {
            println!(
                "circuit    {disclosure:<6} larger than one circuit (2^{} rows): {segments} segments of 2^{SEGMENT_BITS} rows \
                 (`zkdx bench --segment-bits {SEGMENT_BITS}` proves it; bundles do not carry segmented proofs yet)",
                config::MAX_DEGREE_BITS
            );
            continue;
        }
        let circuit = zkdx_circuit::ModelCircuit::build(m, disclosure)?;
        let security = circuit.security();
        println!(
            "circuit    {disclosure:<6} 2^{} rows, {} bits conjectured, {:.1} provable, verifier-data fingerprint {}",
            circuit.stats().degree_bits,
            security.conjectured,
            security.provable,
            circuit.verifier_fingerprint()
        );
    }
    let default = m.default_disclosure();
    match zkdx_circuit::ModelCircuit::build_with(m, Variant { disclosure: default, assurance: Assurance::High }) {
        Ok(circuit) => println!(
            "high       {default:<6} 2^{} rows, {:.1} bits provable (`zkdx prove --assurance high`)",
            circuit.stats().degree_bits,
            circuit.security().provable
        ),
        Err(e) => println!("high       not available: {e}"),
    }
    println!(
        "security   conjectured: plonky2's figure (queries × rate bits + proof of work), resting on \
         Reed–Solomon list-decoding conjectures; provable: every step's error summed under published \
         bounds (README, \"Security level\")"
    );
    println!("ops:");
    let mut len = g.input_len();
    for (i, (op, bits)) in g.ops.iter().zip(&m.bounds().accumulator_bits).enumerate() {
        let out = op.output_len(len);
        let detail = op.detail(len);
        println!("  #{i:<3} {:<9} {detail:<40} params {:<7} |acc| < 2^{bits}", op.kind(), op.parameters());
        len = out;
    }
    Ok(ExitCode::SUCCESS)
}
