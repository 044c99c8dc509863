//! `zkdx bench`: prove time, verify time, proof size and peak memory per model, medians
//! over several runs. A benchmark, not a test: run it on a release build.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use zkdx_circuit::compact::CompactCircuit;
use zkdx_circuit::{observe_prover_steps, prove, verify, Assurance, ModelCircuit, Salt, Variant};
use zkdx_model::Disclosure;

/// One model's measurements.
#[derive(Debug, Serialize)]
pub struct BenchRow {
    model: String,
    parameters: usize,
    macs: usize,
    degree_bits: usize,
    model_rows: usize,
    rows_per_mac: f64,
    macs_per_dense_row: f64,
    build_s: f64,
    prove_s: f64,
    verify_ms: f64,
    proof_bytes: usize,
    peak_rss_mb: f64,
    rss_after_first_mb: f64,
    rss_after_last_mb: f64,
    runs: usize,
    /// The proven outputs (dequantised) and label, to compare with another prover.
    outputs: Vec<f64>,
    label: Option<usize>,
    /// Where the prove time goes: seconds per step of plonky2's prover (`witness`, `wires`,
    /// `permutation`, `quotient`, `openings`, `fri`; medians), from the patch's step hook.
    stages: BTreeMap<&'static str, f64>,
    /// With `--compact`: the recursive wrapper's build time, extra prove time, verify time
    /// and proof size (medians).
    #[serde(skip_serializing_if = "Option::is_none")]
    compact: Option<CompactRow>,
}

/// A compact (recursive) proof's measurements.
#[derive(Debug, Serialize)]
pub struct CompactRow {
    wrapper_degree_bits: Vec<usize>,
    build_s: f64,
    extra_prove_s: f64,
    verify_ms: f64,
    proof_bytes: usize,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// A memory figure of this process from /proc/self/status (`VmHWM` peak, `VmRSS` now), in
/// MB; 0 where unavailable.
fn memory_mb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Reset the peak-RSS mark so each model is measured on its own (Linux ≥ 4.0).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Refuse records that do not pair with the models; warn about a debug build.
fn check_arguments(models: &[PathBuf], records: &[PathBuf]) -> Result<()> {
    if !records.is_empty() && records.len() != models.len() {
        anyhow::bail!("give one --record per model ({} models, {} records)", models.len(), records.len());
    }
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; benchmark a release build (cargo build --release)");
    }
    Ok(())
}

/// Write the rows as JSON to `json`, when given (its folder made first).
fn write_json<T: Serialize>(json: Option<PathBuf>, rows: &[T]) -> Result<()> {
    if let Some(p) = json {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        zkdx_model::io::write_output(&p, (serde_json::to_string_pretty(rows)? + "\n").as_bytes())?;
    }
    Ok(())
}

/// The quantised input a benchmark proves: `record`, or a deterministic pseudo-random input
/// spread over every range.
fn bench_input(model: &zkdx_model::Model, record: Option<&PathBuf>) -> Result<Vec<i64>> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let values: Vec<f64> = match record {
        Some(r) => model.read_record(r).with_context(|| format!("cannot read record {}", r.display()))?,
        None => model
            .graph()
            .inputs
            .iter()
            .map(|i| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                i.min + (i.max - i.min) * ((seed >> 11) as f64 / (1u64 << 53) as f64)
            })
            .collect(),
    };
    Ok(model.quantise_input(&values))
}

/// One model's segmented proof (`--segment-bits`).
#[derive(Debug, Serialize)]
pub struct SegmentedRow {
    model: String,
    parameters: usize,
    macs: usize,
    segments: usize,
    segment_bits: usize,
    /// log2 of the largest segment's rows, as built.
    largest_segment_degree_bits: usize,
    /// Seconds from the model loaded to the folded proof: every segment's and fold's
    /// circuit built and proved (medians).
    total_s: f64,
    /// Of which: building segment circuits, proving segments, building and proving folds.
    segment_build_s: f64,
    segment_prove_s: f64,
    fold_s: f64,
    verify_ms: f64,
    proof_bytes: usize,
    peak_rss_mb: f64,
    runs: usize,
    outputs: Vec<f64>,
    label: Option<usize>,
    /// Each step of the last run: name, log2 rows, build s, prove s.
    steps: Vec<(String, usize, f64, f64)>,
}

/// `zkdx bench --segment-bits N`: prove each model in segments of at most 2^N rows, folded
/// into one zero-knowledge proof (`zkdx_circuit::segment`).
pub fn run_segmented(
    models: &[PathBuf],
    runs: usize,
    json: Option<PathBuf>,
    records: &[PathBuf],
    disclose: Disclosure,
    segment_bits: usize,
) -> Result<ExitCode> {
    use zkdx_circuit::segment::{SegmentPlan, Segmented, Step};
    let runs = runs.max(1);
    check_arguments(models, records)?;
    let mut rows = Vec::new();
    for (n, path) in models.iter().enumerate() {
        reset_peak_rss();
        let t = Instant::now();
        let model = crate::args::load(path)?;
        let input = bench_input(&model, records.get(n))?;
        eprintln!("{}: loaded in {:.1} s", model.id(), t.elapsed().as_secs_f64());
        let plan = SegmentPlan::new(&model, disclose, segment_bits)?;
        let segments = plan.segments();
        let seg = Segmented::new(&model, plan)?;
        let (mut total, mut builds, mut proves, mut folds, mut verifying) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut last, mut public) = (None, None);
        for _ in 0..runs {
            let t = Instant::now();
            let run = seg.run(&input, &Salt::random(), None)?;
            let name = model.id();
            let proof = seg.prove_observed(&run, |s| {
                let rss = memory_mb("VmHWM");
                eprintln!(
                    "{name}: {} 2^{} rows: built {:.1} s, proved {:.1} s (peak so far {rss:.0} MB)",
                    s.step, s.degree_bits, s.build_s, s.prove_s
                );
            })?;
            total.push(t.elapsed().as_secs_f64());
            let sum = |fold: bool, f: fn(&zkdx_circuit::segment::StepReport) -> f64| {
                proof.steps.iter().filter(|s| matches!(s.step, Step::Fold(_)) == fold).map(f).sum::<f64>()
            };
            builds.push(sum(false, |s| s.build_s));
            proves.push(sum(false, |s| s.prove_s));
            folds.push(sum(true, |s| s.build_s + s.prove_s));
            let t = Instant::now();
            public = Some(proof.verifier.verify(&proof.bytes)?);
            verifying.push(t.elapsed().as_secs_f64() * 1000.0);
            last = Some(proof);
        }
        let proof = last.ok_or_else(|| anyhow::anyhow!("no run"))?;
        let row = SegmentedRow {
            model: model.id().to_string(),
            parameters: model.graph().parameters(),
            macs: model.graph().macs(),
            segments,
            segment_bits,
            largest_segment_degree_bits: proof
                .steps
                .iter()
                .filter(|s| matches!(s.step, Step::Segment(_)))
                .map(|s| s.degree_bits)
                .max()
                .unwrap_or(0),
            total_s: median(total),
            segment_build_s: median(builds),
            segment_prove_s: median(proves),
            fold_s: median(folds),
            verify_ms: median(verifying),
            proof_bytes: proof.bytes.len(),
            peak_rss_mb: memory_mb("VmHWM"),
            runs,
            outputs: public
                .as_ref()
                .map(|p| p.outputs.iter().map(|&v| v as f64 / f64::from(1u32 << model.graph().scale_bits)).collect())
                .unwrap_or_default(),
            label: public.and_then(|p| p.label),
            steps: proof.steps.iter().map(|s| (s.step.to_string(), s.degree_bits, s.build_s, s.prove_s)).collect(),
        };
        println!(
            "{}: {} parameters, {} MACs, {} segments of at most 2^{} rows (largest built: 2^{}): {:.1} s in all \
             (segment circuits built {:.1} s, proved {:.1} s; folds {:.1} s), verify {:.1} ms, proof {} bytes, \
             peak memory {:.0} MB (medians of {runs} runs; every proof verified)",
            row.model,
            row.parameters,
            row.macs,
            row.segments,
            row.segment_bits,
            row.largest_segment_degree_bits,
            row.total_s,
            row.segment_build_s,
            row.segment_prove_s,
            row.fold_s,
            row.verify_ms,
            row.proof_bytes,
            row.peak_rss_mb
        );
        rows.push(row);
    }
    write_json(json, &rows)?;
    Ok(ExitCode::SUCCESS)
}

/// `zkdx bench`.
pub fn run(
    models: &[PathBuf],
    runs: usize,
    json: Option<PathBuf>,
    records: &[PathBuf],
    disclose: Disclosure,
    compact: bool,
    assurance: Assurance,
) -> Result<ExitCode> {
    let runs = runs.max(1);
    check_arguments(models, records)?;
    let mut rows = Vec::new();
    println!(
        "{:<24} {:>9} {:>9} {:>6} {:>8} {:>8} {:>8} {:>8} {:>10} {:>11} {:>9}",
        "model",
        "params",
        "MACs",
        "rows",
        "used",
        "MAC/row",
        "build s",
        "prove s",
        "verify ms",
        "proof bytes",
        "peak MB"
    );
    for (n, path) in models.iter().enumerate() {
        reset_peak_rss();
        let model = crate::args::load(path)?;
        let input = bench_input(&model, records.get(n))?;
        let mut public = None;
        let (mut c_build, mut c_prove, mut c_verify, mut c_bytes, mut c_bits) =
            (Vec::new(), Vec::new(), Vec::new(), 0, Vec::new());
        let (mut build, mut proving, mut verifying) = (Vec::new(), Vec::new(), Vec::new());
        let mut proof_bytes = 0;
        let mut stats = None;
        let mut stage_times: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
        let mut rss_after = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let circuit = ModelCircuit::build_with(&model, Variant { disclosure: disclose, assurance })?;
            build.push(t.elapsed().as_secs_f64());
            stats = Some(circuit.stats());
            let t = Instant::now();
            let steps: Rc<RefCell<Vec<(&'static str, Instant)>>> = Rc::default();
            let seen = steps.clone();
            let observer = Box::new(move |step: &'static str| seen.borrow_mut().push((step, Instant::now())));
            let proof = observe_prover_steps(observer, || prove(&circuit, &model, &input, &Salt::random()))?;
            let end = Instant::now();
            proving.push(t.elapsed().as_secs_f64());
            let steps = steps.borrow();
            for (i, &(step, started)) in steps.iter().enumerate() {
                let until = steps.get(i + 1).map_or(end, |s| s.1);
                stage_times.entry(step).or_default().push((until - started).as_secs_f64());
            }
            let t = Instant::now();
            public = Some(verify(&circuit, &proof.bytes)?);
            verifying.push(t.elapsed().as_secs_f64() * 1000.0);
            if compact {
                let t = Instant::now();
                let wrapper = CompactCircuit::build(&circuit);
                c_build.push(t.elapsed().as_secs_f64());
                c_bits = wrapper.degree_bits();
                let t = Instant::now();
                let small = wrapper.compress(&circuit, &proof.bytes)?;
                c_prove.push(t.elapsed().as_secs_f64());
                let t = Instant::now();
                let p = wrapper.verify(&small)?;
                c_verify.push(t.elapsed().as_secs_f64() * 1000.0);
                anyhow::ensure!(Some(&p) == public.as_ref(), "the compact proof's public values differ");
                c_bytes = small.len();
            }
            proof_bytes = proof.bytes.len();
            rss_after.push(memory_mb("VmRSS"));
        }
        let stats = stats.ok_or_else(|| anyhow::anyhow!("no run"))?;
        let macs = model.graph().macs();
        let row = BenchRow {
            model: model.id().to_string(),
            parameters: model.graph().parameters(),
            macs,
            degree_bits: stats.degree_bits,
            model_rows: stats.model_rows,
            rows_per_mac: stats.model_rows as f64 / macs.max(1) as f64,
            macs_per_dense_row: macs as f64 / stats.mat_vec_rows.max(1) as f64,
            build_s: median(build),
            prove_s: median(proving),
            verify_ms: median(verifying),
            proof_bytes,
            peak_rss_mb: memory_mb("VmHWM"),
            rss_after_first_mb: rss_after.first().copied().unwrap_or(0.0),
            rss_after_last_mb: rss_after.last().copied().unwrap_or(0.0),
            runs,
            outputs: public
                .as_ref()
                .map(|p| p.outputs.iter().map(|&v| v as f64 / f64::from(1u32 << model.graph().scale_bits)).collect())
                .unwrap_or_default(),
            label: public.and_then(|p| p.label),
            stages: stage_times.into_iter().map(|(k, v)| (k, median(v))).collect(),
            compact: compact.then(|| CompactRow {
                wrapper_degree_bits: c_bits,
                build_s: median(c_build),
                extra_prove_s: median(c_prove),
                verify_ms: median(c_verify),
                proof_bytes: c_bytes,
            }),
        };
        println!(
            "{:<24} {:>9} {:>9} {:>6} {:>8} {:>8.1} {:>8.2} {:>8.2} {:>10.1} {:>11} {:>9.0}",
            row.model,
            row.parameters,
            row.macs,
            format!("2^{}", row.degree_bits),
            row.model_rows,
            row.macs_per_dense_row,
            row.build_s,
            row.prove_s,
            row.verify_ms,
            row.proof_bytes,
            row.peak_rss_mb
        );
        rows.push(row);
    }
    println!(
        "(medians of {runs} runs; rows: the padded circuit; used: rows before zero-knowledge blinding; MAC/row: \
         multiply-adds per dense row; peak MB: the process's peak resident memory while that model ran)"
    );
    for r in rows.iter() {
        if let Some(c) = &r.compact {
            println!(
                "{}: compact proof {} bytes (from {}), verify {:.1} ms, +{:.2} s to prove, wrappers 2^{:?} rows built in {:.2} s",
                r.model, c.proof_bytes, r.proof_bytes, c.verify_ms, c.extra_prove_s, c.wrapper_degree_bits, c.build_s
            );
        }
    }
    for r in &rows {
        let steps: Vec<String> = r.stages.iter().map(|(k, s)| format!("{k} {:.0} ms", s * 1000.0)).collect();
        println!("{}: prove time by plonky2's prover step (medians): {}", r.model, steps.join(", "));
    }
    for r in &rows {
        println!(
            "{}: resident memory after the first run {:.0} MB, after run {} {:.0} MB; every proof verified",
            r.model, r.rss_after_first_mb, r.runs, r.rss_after_last_mb
        );
    }
    write_json(json, &rows)?;
    Ok(ExitCode::SUCCESS)
}
