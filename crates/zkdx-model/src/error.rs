//! Errors of the model engine, each with a message a user can act on.

use thiserror::Error;

/// Why a model could not be loaded, lowered or quantised.
#[derive(Debug, Error)]
pub enum ModelError {
    /// The file could not be read at all.
    #[error("cannot read model file {path}: {cause}")]
    Io {
        /// The path given.
        path: String,
        /// The I/O error, part of the message (not a separate `source`, which error
        /// reports would print a second time).
        cause: std::io::Error,
    },
    /// The file is not a valid ONNX model (truncated, corrupt, not ONNX).
    #[error(
        "{path} is not a readable ONNX model ({detail}); check that the file is complete and really is an .onnx export"
    )]
    NotOnnx {
        /// The path given.
        path: String,
        /// What tract said.
        detail: String,
    },
    /// tract could not type or simplify the graph.
    #[error("the ONNX graph could not be analysed: {0}")]
    Analysis(String),
    /// The graph uses an op zkDx cannot prove.
    #[error("unsupported ONNX op `{op}` at node `{node}`{}; zkDx supports Gemm/MatMul, Add/Sub/Mul/Div by constants, Relu, Conv (2-D), MaxPool, AveragePool, BatchNormalization, Flatten/Reshape, Sigmoid, Softmax as the last op; and the ai.onnx.ml Scaler, LinearRegressor, LinearClassifier, ZipMap, and tree ensembles (TreeEnsembleClassifier, TreeEnsembleRegressor) as the last step", detail_suffix(.detail))]
    UnsupportedOp {
        /// The op's name.
        op: String,
        /// The node's name.
        node: String,
        /// Why this use of the op is not supported, if the op itself is known.
        detail: String,
    },
    /// The graph's shape is not something zkDx can handle.
    #[error("unsupported model shape: {0}")]
    Shape(String),
    /// The model declares no input ranges, so no overflow bound can be proved.
    #[error("model has no input ranges: add `zkdx.inputs` metadata to the ONNX file (see models/training/train.py) or a model card next to it")]
    NoInputRanges,
    /// Metadata in the ONNX file is malformed.
    #[error("invalid zkDx metadata in the ONNX file: {0}")]
    Metadata(String),
    /// A quantised value could overflow the proof field.
    #[error("model refused: at op #{op} ({kind}) a value can reach 2^{bits:.1}, beyond the 2^{limit} that the proof field allows; narrow the input ranges or use a smaller scale")]
    Overflow {
        /// Index of the op in the graph.
        op: usize,
        /// The op's kind.
        kind: String,
        /// log2 of the bound reached.
        bits: f64,
        /// The limit in bits.
        limit: u32,
    },
    /// A weight is NaN or infinite.
    #[error("op #{op} ({kind}) has a NaN or infinite constant; re-export the model")]
    NonFinite {
        /// Index of the op.
        op: usize,
        /// Its kind.
        kind: String,
    },
    /// A data file (a test split, training or calibration data) cannot be used.
    #[error("cannot use the data in {path}: {detail}")]
    Data {
        /// The data file (or what it is, when it has no path).
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The model card is malformed or disagrees with the model.
    #[error("model card {path}: {detail}")]
    Card {
        /// The card's path.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// Float inference through tract failed.
    #[error("float inference failed: {0}")]
    Float(String),
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

/// Why a patient record could not be read.
#[derive(Debug, Error, PartialEq)]
pub enum RecordError {
    /// The file could not be read.
    #[error("cannot read record {path}: {detail}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error text.
        detail: String,
    },
    /// The file is too large to be a patient record.
    #[error("record file is {size} bytes; a patient record is at most {limit} bytes. Is this the right file?")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is empty.
    #[error("the record file is empty")]
    Empty,
    /// The format is not recognised.
    #[error("cannot tell the record's format: use a .csv file (a header row of feature names and one row of values) or a .json object of feature name → value")]
    UnknownFormat,
    /// CSV syntax error.
    #[error("malformed CSV: {0}")]
    Csv(String),
    /// JSON syntax or structure error.
    #[error("malformed JSON: {0}")]
    Json(String),
    /// A feature the model needs is absent.
    #[error("missing feature(s): {}; the record must give every feature listed in the model card", .0.join(", "))]
    Missing(Vec<String>),
    /// The record has features the model does not know.
    #[error("unknown feature(s): {}; check the spelling against the model card", .0.join(", "))]
    Unknown(Vec<String>),
    /// A feature is given twice.
    #[error("feature `{0}` is given more than once")]
    Duplicate(String),
    /// A value is not a number.
    #[error("feature `{feature}`: `{value}` is not a number")]
    NotANumber {
        /// The feature.
        feature: String,
        /// The text found.
        value: String,
    },
    /// NaN or infinite.
    #[error("feature `{feature}`: {value} is not a finite number")]
    NonFinite {
        /// The feature.
        feature: String,
        /// The value as text.
        value: String,
    },
    /// Outside the card's plausible range.
    #[error("feature `{feature}` = {value} is outside the plausible range {min} to {max} {unit}; check the value and its unit")]
    OutOfRange {
        /// The feature.
        feature: String,
        /// The value.
        value: f64,
        /// Plausible minimum.
        min: f64,
        /// Plausible maximum.
        max: f64,
        /// Its unit.
        unit: String,
    },
    /// A categorical feature's value is not one of its allowed values.
    #[error("feature `{feature}` = {value} is not one of its allowed values ({}): it is a code, not a measurement", .allowed.iter().map(f64::to_string).collect::<Vec<_>>().join(", "))]
    NotAllowed {
        /// The feature.
        feature: String,
        /// The value.
        value: f64,
        /// Its allowed values.
        allowed: Vec<f64>,
    },
    /// The CSV holds more than one record.
    #[error("the CSV holds {0} data rows; a patient record is one header row and one data row")]
    ManyRows(usize),
    /// The record names another model.
    #[error("this record is for model `{found}`, not `{expected}`")]
    WrongModel {
        /// The model the record names.
        found: String,
        /// The model loaded.
        expected: String,
    },
    /// A FHIR document given where a CSV or JSON record is read.
    #[error("this is a FHIR resource, not a CSV or JSON record: give it with --fhir FILE (or the app's Load record), which finds each feature by its code")]
    IsFhir,
    /// A FHIR document that is not a Bundle of Observations or an Observation.
    #[error("not a FHIR R4 Observation or Bundle of Observations: {0}")]
    Fhir(String),
    /// A FHIR document whose observations do not fill the record; one problem per feature.
    #[error("the FHIR observations do not give this model's record:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    FhirFeatures(Vec<crate::fhir::FeatureProblem>),
}

/// A panic inside a dependency, caught by [`contained`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panicked;

/// Run `f`, which calls into a dependency that may panic on hostile input (tract's ONNX
/// parser and type analysis, plonky2's prover, verifier and deserialisers), and turn a panic
/// into [`Panicked`] for the caller to report as an error: a bad file ends in a message,
/// never a crash. The one place zkDx catches panics. Unwind safety: whatever `f` touched is
/// dropped or discarded by every caller when it panicked, so no broken state is observed.
pub fn contained<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    CONTAINING.with(|c| c.set(c.get() + 1));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| Panicked);
    CONTAINING.with(|c| c.set(c.get().saturating_sub(1)));
    result
}

thread_local! {
    /// How many [`contained`] calls this thread is inside.
    static CONTAINING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether a panic now, on this thread, will be caught by [`contained`] and reported as an
/// error: a front end's panic hook stays quiet then, so the user reads that error once and no
/// "internal error" beside it.
pub fn panic_is_contained() -> bool {
    CONTAINING.with(|c| c.get() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contained_panic_is_an_error_and_is_known_to_be_contained_while_it_runs() {
        assert!(!panic_is_contained());
        let inside = contained(panic_is_contained);
        assert_eq!(inside, Ok(true));
        let caught: Result<(), Panicked> = contained(|| panic!("a dependency gave up"));
        assert_eq!(caught, Err(Panicked));
        assert!(!panic_is_contained(), "the count is restored after a panic too");
    }
}
