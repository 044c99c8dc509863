//! Where the app finds its shipped models (the catalogue itself is `zkdx_model::catalogue`).

use std::path::PathBuf;

use zkdx_model::catalogue::Catalogue;

/// The app's models, found at start-up (see [`find_models_dir`]).
static MODELS_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The shipped models' folder: `$ZKDX_MODELS`, else `models/` in the app's resource folder
/// (where a `.deb` or AppImage installs them, `bundle.resources` in `tauri.conf.json`; a
/// `cargo build` copies them beside the binary). A debug build with no copy falls back to
/// the repository's `models/`; a release build never looks outside its own resources.
pub fn models_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("ZKDX_MODELS") {
        return PathBuf::from(p);
    }
    if let Some(dir) = MODELS_DIR.get() {
        return dir.clone();
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"))
}

/// At start-up: the resource folder's `models/` (in a debug build only when it holds a
/// model, so that a development build without the copy still finds the repository's).
pub fn find_models_dir(resource_dir: Option<PathBuf>) {
    let Some(dir) = resource_dir.map(|r| r.join("models")) else { return };
    let holds_a_model = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().any(|e| e.path().extension().is_some_and(|x| x == "onnx")))
        .unwrap_or(false);
    if holds_a_model || !cfg!(debug_assertions) {
        let _ = MODELS_DIR.set(dir);
    }
}

/// The shipped models' catalogue (in [`models_dir`]).
pub fn catalogue() -> Catalogue {
    Catalogue::new(models_dir())
}
