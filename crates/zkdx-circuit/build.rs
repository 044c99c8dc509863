//! `ZKDX_CIRCUIT_BUILD`: a SHA-256 of the code that decides what circuit a model gets (this
//! crate's and zkdx-model's sources, and zkDx's plonky2 patch), so that a circuit stored by
//! one build is never read by another (`src/stored.rs`).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let here = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = here.join("../..");
    let inputs = [here.join("src"), root.join("crates/zkdx-model/src"), root.join("patches")];
    let mut all = Vec::new();
    for dir in &inputs {
        println!("cargo:rerun-if-changed={}", dir.display());
        files(dir, &mut all);
    }
    all.sort();
    let mut h = Sha256::new();
    for p in &all {
        if let (Ok(rel), Ok(bytes)) = (p.strip_prefix(&root), std::fs::read(p)) {
            h.update(rel.to_string_lossy().as_bytes());
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
    }
    let digest = h.finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=ZKDX_CIRCUIT_BUILD={}-{hex}", std::env::var("CARGO_PKG_VERSION").unwrap_or_default());
}
