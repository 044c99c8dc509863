//! The `zkdx` verbs and their argument parsing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use zkdx_bundle::workflow::ProveOptions;
use zkdx_circuit::config::Assurance;
use zkdx_circuit::{Challenge, Variant};
use zkdx_model::evaluate::evaluate;
use zkdx_model::model::Outcome;
use zkdx_model::record;
use zkdx_model::{Disclosure, Model};

/// Private, provable medical diagnostics.
#[derive(Parser)]
#[command(name = "zkdx", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show a model's ops, shapes, parameters, scale and digest.
    Inspect {
        /// The ONNX file (or its model card).
        model: PathBuf,
    },
    /// Print a model's digest (its commitment), reproducible from the ONNX file alone.
    Digest {
        /// The ONNX file.
        model: PathBuf,
    },
    /// Run a model on a patient record: the result, quantised and float side by side.
    Infer {
        /// The ONNX file (or its model card).
        model: PathBuf,
        #[command(flatten)]
        input: Input,
    },
    /// Measure the quantised model against the float model on a labelled test split.
    Accuracy {
        /// The ONNX file (or its model card).
        model: PathBuf,
        /// The split (default: models/data/<id>-test.csv beside the model).
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Prove a diagnosis: writes a proof bundle (no input inside) and the salt (a file only you can read).
    Prove {
        /// The ONNX file (or its model card).
        model: PathBuf,
        #[command(flatten)]
        input: Input,
        /// Where to write the bundle (default: <model id>.zkdx.json; `-`: standard output,
        /// with --salt-out given). Checked before proving.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Where to write the salt, owner-only (default: the bundle's path plus `.salt`).
        /// Keep it private: with the record, it opens the bundle's input commitment.
        #[arg(long)]
        salt_out: Option<PathBuf>,
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
        /// Wrap the proof into a compact recursive proof (~50 KB; tens of seconds more).
        #[arg(long)]
        compact: bool,
        /// What the proof makes public: `label` (the class only), `coarse` (the class and
        /// whole-percent probabilities, or the score rounded to the card's resolution) or
        /// `exact` (the raw outputs, which link two proofs of one record).
        #[arg(long, default_value = "coarse", value_name = "label|coarse|exact")]
        disclose: Disclosure,
        /// The clinician's challenge code (`zkdx challenge`): the proof answers it, so the
        /// bundle cannot be passed off as the answer to another request.
        #[arg(long, value_name = "CODE")]
        challenge: Option<Challenge>,
        /// Soundness: `standard` (100 bits conjectured, about 57 provable) or `high` (at least
        /// 100 provable bits; a larger proof that takes longer; not with --compact).
        #[arg(long, default_value = "standard", value_name = "standard|high")]
        assurance: Assurance,
    },
    /// Issue a freshness challenge (a clinician's verb): a random code for the patient's
    /// proof to answer, so that an older bundle cannot be replayed for this request.
    Challenge,
    /// Verify a proof bundle: VALID (exit 0), INVALID with the reason (exit 1), CANNOT
    /// CHECK with the reason (exit 2: the bundle or its model could not be read), or VALID
    /// PROOF, UNAPPROVED MODEL (exit 3: no trusted publisher stands behind the model).
    Verify {
        /// The bundle.
        bundle: PathBuf,
        #[command(flatten)]
        against: Against,
        /// Print the verdict as one JSON object (same exit status).
        #[arg(long)]
        json: bool,
    },
    /// Audit every bundle in a folder (a regulator's verb): each checked as `verify` checks
    /// it, in parallel, into a JSON and an HTML report. Exit 0 if all are VALID, else the
    /// worst outcome's status (1 INVALID, 2 CANNOT CHECK, 3 UNAPPROVED).
    Audit {
        /// The folder of bundles (`*.zkdx.json`).
        folder: PathBuf,
        /// Where shipped models live.
        #[arg(long, default_value = "models")]
        models: PathBuf,
        /// The trust list; default: <models>/trust.json.
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Write the report as JSON here (`-`: standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Write the report as a self-contained HTML page here.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Export a checked bundle as a FHIR R4 Bundle for a records system (a clinician's
    /// verb): DiagnosticReport, the result as Observation (and RiskAssessment), the model as
    /// Device, a Provenance naming the verdict, the proof bundle attached. Bundles that are
    /// INVALID or cannot be checked are not exported (exit status as `verify`).
    ExportFhir {
        /// The bundle.
        bundle: PathBuf,
        /// Where to write the FHIR Bundle (JSON; `-`: standard output). Checked first.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        against: Against,
    },
    /// Print a checked bundle's verdict as a one-page PDF report (model, publisher, result,
    /// verdict, what was and was not proved, the bundle's fingerprint). Exit status as
    /// `verify`.
    Report {
        /// The bundle.
        bundle: PathBuf,
        /// Where to write the PDF (`-`: standard output). Checked first.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        against: Against,
    },
    /// Show that a record (with its salt) is the input a bundle committed to.
    Open {
        /// The bundle.
        bundle: PathBuf,
        /// The record.
        record: PathBuf,
        /// The salt file `zkdx prove` wrote, or `-` to read the salt from standard input
        /// (a secret is never a command-line argument).
        #[arg(long, value_name = "FILE")]
        salt_file: PathBuf,
        /// The model (ONNX or card); default: the bundle's model id in --models.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Where shipped models live.
        #[arg(long, default_value = "models")]
        models: PathBuf,
    },
    /// Measure prove time, verify time, proof size and peak memory (medians).
    Bench {
        /// The models (ONNX files).
        #[arg(required = true)]
        models: Vec<PathBuf>,
        /// Runs per model.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Also write the results as JSON here (`-`: standard output).
        #[arg(long)]
        json: Option<PathBuf>,
        /// Prove this record (CSV or JSON) instead of a generated one; give one per model,
        /// in the models' order.
        #[arg(long = "record")]
        records: Vec<PathBuf>,
        /// What the measured proofs disclose (default `exact`, so that the proven outputs
        /// can be compared with another prover's).
        #[arg(long, default_value = "exact", value_name = "label|coarse|exact")]
        disclose: Disclosure,
        /// Also wrap each proof into a compact recursive proof and measure that.
        #[arg(long)]
        compact: bool,
        /// The assurance of the measured proofs (`standard` or `high`).
        #[arg(long, default_value = "standard", value_name = "standard|high")]
        assurance: Assurance,
    },
    /// Write the measured digest and accuracy into the model's card (a model publisher's
    /// tool, run after training; hidden from the user verbs in `--help`).
    #[command(hide = true)]
    CardSync {
        /// The ONNX file.
        model: PathBuf,
    },
    /// A model publisher's keys and endorsements: keygen, sign, verify.
    Card {
        #[command(subcommand)]
        action: CardAction,
    },
}

#[derive(Subcommand)]
enum CardAction {
    /// Draft a model card from an ONNX file and its training data: features (names, ranges
    /// from the data with a margin, categorical values), kind and outputs; the human fields
    /// are marked FILL IN (`card sign` refuses them). Refuses a model zkDx cannot prove.
    Init {
        /// The ONNX file.
        model: PathBuf,
        /// The training data: a CSV with a header row of feature names (a label column is
        /// left out: named `target`, `label`, `y`, … or by --target).
        #[arg(long)]
        data: PathBuf,
        /// The label column's name.
        #[arg(long)]
        target: Option<String>,
        /// The class labels in output order, comma-separated (classifiers).
        #[arg(long, value_delimiter = ',')]
        labels: Option<Vec<String>>,
        /// Where to write the card (default: beside the ONNX file, `<stem>.json`; an
        /// existing file is never replaced).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Make a publisher key: the secret to an owner-only file, the public half printed.
    Keygen {
        /// Where to write the secret key (a new or owner-only file).
        #[arg(long)]
        secret_out: PathBuf,
    },
    /// Endorse a model: sign its digest, its card and its circuits' fingerprints
    /// (writes <id>.endorsement.json beside it).
    Sign {
        /// The ONNX file (with its card beside it).
        model: PathBuf,
        /// The file holding the secret key (`-`: standard input).
        #[arg(long)]
        secret_file: PathBuf,
        /// Also pin the compact verifiers, so that compact bundles verify from the cache too
        /// (builds the recursive wrappers: tens of seconds per disclosure).
        #[arg(long)]
        compact: bool,
    },
    /// Export a model for a regulator's inventory: a CycloneDX 1.6 ML-BOM (the model card,
    /// accuracy with 95 % confidence intervals, the file hash, the zkDx digest and circuit
    /// fingerprints).
    Export {
        /// The ONNX file (with its card beside it).
        model: PathBuf,
        /// Write CycloneDX 1.6 JSON (the one format so far).
        #[arg(long, required = true)]
        cyclonedx: bool,
        /// Where to write it (default: standard output).
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
    },
    /// Whether a trust list approves a model, per disclosure (exit 0), or not (exit 3).
    Verify {
        /// The ONNX file.
        model: PathBuf,
        /// The trust list; default: trust.json beside the model.
        #[arg(long)]
        trust: Option<PathBuf>,
    },
}

/// Run one verb.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Inspect { model } => inspect(&load(&model)?),
        Command::Digest { model } => {
            println!("{}", Model::load_unchecked(&model)?.digest());
            Ok(ExitCode::SUCCESS)
        }
        Command::Infer { model, input } => infer(&load(&model)?, &input),
        Command::Accuracy { model, data } => accuracy(&load(&model)?, data),
        Command::CardSync { model } => card_sync(&model),
        Command::Card { action } => match action {
            CardAction::Init { model, data, target, labels, output } => {
                crate::card::init(&model, &data, target, labels, output)
            }
            CardAction::Keygen { secret_out } => crate::card::keygen(&secret_out),
            CardAction::Sign { model, secret_file, compact } => crate::card::sign(&model, &secret_file, compact),
            CardAction::Export { model, cyclonedx: _, output } => crate::card::export_cyclonedx(&model, &output),
            CardAction::Verify { model, trust } => {
                let trust = trust.unwrap_or_else(|| model.with_file_name("trust.json"));
                crate::card::verify(&model, &trust)
            }
        },
        Command::Bench { models, runs, json, records, disclose, compact, assurance } => {
            crate::bench::bench_cmd(&models, runs, json, &records, disclose, compact, assurance)
        }
        Command::Prove { model, input, output, salt_out, quiet, compact, disclose, challenge, assurance } => {
            let options = ProveOptions { disclosure: disclose, compact, challenge, assurance };
            crate::proofs::prove_cmd(&model, &input, output, salt_out, quiet, &options)
        }
        Command::Challenge => crate::proofs::challenge_cmd(),
        Command::Verify { bundle, against, json } => crate::proofs::verify_cmd(&bundle, &against.into(), json),
        Command::Audit { folder, models, trust, json, html } => {
            let trust = trust.unwrap_or_else(|| zkdx_bundle::TrustList::default_path(&models));
            crate::audit::audit_cmd(&folder, &models, &trust, json.as_deref(), html.as_deref())
        }
        Command::ExportFhir { bundle, output, against } => crate::export::fhir_cmd(&bundle, &output, &against.into()),
        Command::Report { bundle, output, against } => crate::export::report_cmd(&bundle, &output, &against.into()),
        Command::Open { bundle, record, salt_file, model, models } => {
            crate::proofs::open_cmd(&bundle, &record, &salt_file, model.as_deref(), &models)
        }
    }
}

/// Load a model, with the path in the error.
pub fn load(path: &Path) -> Result<Model> {
    Model::load(path).with_context(|| format!("cannot use model {}", path.display()))
}

fn inspect(m: &Model) -> Result<ExitCode> {
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
    let default = Disclosure::default();
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

/// What a bundle is checked against (as `zkdx verify` takes it).
#[derive(clap::Args, Debug)]
pub struct Against {
    /// The model (ONNX or card); default: the bundle's model id in --models.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Where shipped models live.
    #[arg(long, default_value = "models")]
    models: PathBuf,
    /// The trust list (publishers and model digests you accept); default:
    /// <models>/trust.json, the one zkDx ships.
    #[arg(long)]
    trust: Option<PathBuf>,
    /// The challenge code you issued (`zkdx challenge`): a bundle that answers another
    /// challenge, or none, is INVALID.
    #[arg(long, value_name = "CODE")]
    challenge: Option<Challenge>,
}

impl From<Against> for crate::proofs::Checking {
    fn from(a: Against) -> Self {
        crate::proofs::Checking { model: a.model, models: a.models, trust: a.trust, challenge: a.challenge }
    }
}

/// Where a patient's values come from: a record file, or FHIR R4 observations.
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Input {
    /// The patient record (.csv or .json; a FHIR R4 Observation or Bundle is read as FHIR).
    record: Option<PathBuf>,
    /// FHIR R4 observations (a Bundle, or one Observation): each feature is found by its
    /// card code (LOINC) and converted to the card's unit; the conversions are shown.
    #[arg(long, value_name = "FILE")]
    fhir: Option<PathBuf>,
}

/// The patient's values in the model's order, from a record or FHIR; each unit conversion
/// is shown (on standard error) before anything is proved.
pub fn read_input(m: &Model, input: &Input) -> Result<Vec<f64>> {
    let imported = match (&input.record, &input.fhir) {
        (_, Some(fhir)) => record::read_file(fhir)
            .and_then(|(bytes, _)| m.import_fhir(&bytes))
            .with_context(|| format!("cannot use FHIR file {}", fhir.display()))?,
        (Some(record), None) => {
            m.read_input(record).with_context(|| format!("cannot use record {}", record.display()))?
        }
        (None, None) => anyhow::bail!("give a record file or --fhir FILE"),
    };
    for c in &imported.conversions {
        eprintln!("converted  {c}");
    }
    Ok(imported.values)
}

fn infer(m: &Model, input: &Input) -> Result<ExitCode> {
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

pub(crate) fn default_split(m: &Model) -> PathBuf {
    m.path().with_file_name("data").join(format!("{}-test.csv", m.id()))
}

fn accuracy(m: &Model, data: Option<PathBuf>) -> Result<ExitCode> {
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

fn card_sync(path: &Path) -> Result<ExitCode> {
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
