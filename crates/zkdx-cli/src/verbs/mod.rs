//! One module per `zkdx` verb, each with its `run`: what the verb does once
//! [`crate::cli`] has parsed its arguments.

pub mod accuracy;
pub mod audit;
pub mod bench;
pub mod calibrate;
pub mod card;
pub mod card_sync;
pub mod challenge;
pub mod digest;
pub mod export_fhir;
pub mod infer;
pub mod inspect;
pub mod open;
pub mod prove;
pub mod report;
pub mod verify;
