//! Paths shared by the model crate's tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A shipped model's ONNX file.
pub fn model(id: &str) -> PathBuf {
    root().join("models").join(format!("{id}.onnx"))
}

/// A test fixture.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}
