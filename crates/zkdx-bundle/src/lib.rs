//! The zkDx proof bundle: a versioned JSON document carrying one proof and the readable
//! result it proves ([`format`]), the verdict a clinician reads ([`verdict`]), and who
//! stands behind a model ([`trust`]); [`fhir`] exports a checked bundle as FHIR R4 and
//! [`report`] prints it as a one-page PDF.
//! A bundle never holds the patient's input, only a salted commitment to it.

pub mod audit;
pub mod cache;
pub mod fhir;
pub mod format;
pub mod make;
pub mod report;
pub mod signature;
pub mod trust;
pub mod verdict;
pub mod workflow;

pub use format::{BundleError, ProofBundle};
pub use trust::{Approval, TrustList};
pub use verdict::{check_bundle, Freshness, Verdict};
