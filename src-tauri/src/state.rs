//! What the app keeps between commands: the last proven bundle (until saved) and the
//! cancellation flag of the proof in progress.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use zkdx_bundle::ProofBundle;

/// Shared app state.
#[derive(Default)]
pub struct AppState {
    /// The last proof made, waiting to be saved.
    pub last_bundle: Mutex<Option<ProofBundle>>,
    /// Set to cancel the proof in progress.
    pub cancel: Arc<AtomicBool>,
}
