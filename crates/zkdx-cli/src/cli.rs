//! The `zkdx` command line: every verb's arguments (clap) and which [`crate::verbs`] module
//! runs it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use zkdx_bundle::workflow::ProveOptions;
use zkdx_circuit::config::Assurance;

use crate::args::{Against, Input};
use crate::verbs;
use zkdx_circuit::Challenge;
use zkdx_model::Disclosure;

use crate::args::load;

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
        /// Wrap the proof into a compact recursive proof (~50 KB; tens of seconds more). Small models
        /// (circuits up to 2^10 rows) already prove in 50–60 KB without it.
        #[arg(long)]
        compact: bool,
        /// What the proof makes public: `label` (the class only), `coarse` (the class and
        /// whole-percent probabilities, or the score rounded to the card's resolution) or
        /// `exact` (the raw outputs, which link two proofs of one record). Default: coarse,
        /// or label for a model whose outputs are decision scores (no probabilities).
        #[arg(long, value_name = "label|coarse|exact")]
        disclose: Option<Disclosure>,
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
        /// Prove each model in segments of at most 2^N rows folded into one proof (for
        /// models larger than one circuit; about 50–65 KB of memory per row of a segment: 4.2 GB at 16, 9.4 GB at 17 for a 100M-parameter model).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(10..=20))]
        segment_bits: Option<u8>,
    },
    /// Choose a model's fixed-point scale by measurement (a model publisher's verb): the
    /// model at each scale 2^8 … 2^20 on your data beside the float model (agreement, worst
    /// error, field headroom, circuit size); the choice and what it measured go into the card.
    Calibrate {
        /// The ONNX file, with its card beside it (`zkdx card init` makes one).
        model: PathBuf,
        /// Data to measure on: a CSV whose header names the card's features (other columns
        /// are ignored; rows outside the card's ranges are left out and counted).
        #[arg(long)]
        data: PathBuf,
        /// The worst output error (logit or score) accepted; the fewest circuit rows win among
        /// the scales within it that agree best.
        #[arg(long, default_value_t = 0.01)]
        tolerance: f64,
        /// Print the trade-off and the choice; leave the card as it is.
        #[arg(long)]
        dry_run: bool,
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
        Command::Inspect { model } => verbs::inspect::run(&load(&model)?),
        Command::Digest { model } => verbs::digest::run(&model),
        Command::Infer { model, input } => verbs::infer::run(&load(&model)?, &input),
        Command::Accuracy { model, data } => verbs::accuracy::run(&load(&model)?, data),
        Command::CardSync { model } => verbs::card_sync::run(&model),
        Command::Calibrate { model, data, tolerance, dry_run } => {
            verbs::calibrate::run(&model, &data, tolerance, dry_run)
        }
        Command::Card { action } => match action {
            CardAction::Init { model, data, target, labels, output } => {
                verbs::card::init(&model, &data, target, labels, output)
            }
            CardAction::Keygen { secret_out } => verbs::card::keygen(&secret_out),
            CardAction::Sign { model, secret_file, compact } => verbs::card::sign(&model, &secret_file, compact),
            CardAction::Export { model, cyclonedx: _, output } => verbs::card::export_cyclonedx(&model, &output),
            CardAction::Verify { model, trust } => {
                let trust = trust.unwrap_or_else(|| model.with_file_name("trust.json"));
                verbs::card::verify(&model, &trust)
            }
        },
        Command::Bench { models, runs, json, records, disclose, compact, assurance, segment_bits: Some(bits) } => {
            anyhow::ensure!(
                !compact && assurance == Assurance::Standard,
                "segmented proofs are standard and not compact"
            );
            verbs::bench::run_segmented(&models, runs, json, &records, disclose, usize::from(bits))
        }
        Command::Bench { models, runs, json, records, disclose, compact, assurance, segment_bits: None } => {
            verbs::bench::run(&models, runs, json, &records, disclose, compact, assurance)
        }
        Command::Prove { model, input, output, salt_out, quiet, compact, disclose, challenge, assurance } => {
            let options = ProveOptions { compact, challenge, assurance, ..ProveOptions::default() };
            verbs::prove::run(&model, &input, output, salt_out, quiet, disclose, options)
        }
        Command::Challenge => verbs::challenge::run(),
        Command::Verify { bundle, against, json } => verbs::verify::run(&bundle, &against.into(), json),
        Command::Audit { folder, models, trust, json, html } => {
            let trust = trust.unwrap_or_else(|| zkdx_bundle::TrustList::default_path(&models));
            verbs::audit::run(&folder, &models, &trust, json.as_deref(), html.as_deref())
        }
        Command::ExportFhir { bundle, output, against } => verbs::export_fhir::run(&bundle, &output, &against.into()),
        Command::Report { bundle, output, against } => verbs::report::run(&bundle, &output, &against.into()),
        Command::Open { bundle, record, salt_file, model, models } => {
            verbs::open::run(&bundle, &record, &salt_file, model.as_deref(), &models)
        }
    }
}
