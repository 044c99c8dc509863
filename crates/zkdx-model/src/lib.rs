//! zkDx's model engine: turns an ONNX diagnostic model into an exact, quantised integer
//! graph that a circuit can reproduce bit for bit.
//!
//! - [`onnx`] loads a model with tract-onnx and lowers it into zkDx's IR ([`ir`]);
//!   [`onnx_ml`] first rewrites the ai.onnx.ml ops scikit-learn's exporter writes, and lowers
//!   tree ensembles itself ([`trees`]).
//! - [`quantise`] turns the float IR into integers at one fixed-point scale and
//!   [`bounds`] proves, from the input ranges, that nothing overflows the field.
//! - [`infer`] is the reference integer inference; [`float`] runs the float model.
//! - [`disclosure`] says how much of a result a proof makes public, with its integer rules.
//! - [`draft`] drafts a card from a model and its training data (`zkdx card init`).
//! - [`digest`] hashes the quantised graph; [`card`] and [`record`] read model cards and
//!   patient records; [`fhir`] reads a record from FHIR R4 observations, converting
//!   [`units`].

pub mod bounds;
pub mod calibrate;
pub mod card;
pub mod catalogue;
pub mod cyclonedx;
pub mod digest;
pub mod disclosure;
pub mod draft;
pub mod error;
pub mod evaluate;
pub mod fhir;
pub mod fixed;
pub mod float;
pub mod infer;
pub mod io;
pub mod ir;
pub mod model;
pub mod onnx;
pub mod onnx_ml;
pub mod quantise;
pub mod record;
pub mod sigmoid;
pub mod trees;
pub mod units;

pub use card::ModelCard;
pub use disclosure::Disclosure;
pub use error::{ModelError, RecordError};
pub use ir::{Graph, Head, Op};
pub use model::{Diagnosis, Model};
