//! What the app keeps between commands: the last proven bundle (until saved), the
//! cancellation flag of the proof in progress, and the settings (the trust list).

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use zkdx_bundle::ProofBundle;

use crate::history::History;
use crate::keys::DeviceKeys;
use crate::settings::Settings;

/// Shared app state.
pub struct AppState {
    /// The last proof made, waiting to be saved.
    pub last_bundle: Mutex<Option<ProofBundle>>,
    /// Set to cancel the proof in progress.
    pub cancel: Arc<AtomicBool>,
    /// The device keys (or why there are none).
    pub keys: DeviceKeys,
    /// The encrypted history, when the keyring gave its key.
    pub history: Option<History>,
    /// The settings, and where they are saved.
    pub settings: Mutex<Settings>,
    /// `settings.json` in the data folder.
    pub settings_path: std::path::PathBuf,
}

impl AppState {
    /// Load the keys and open the history in `data_dir`.
    pub fn new(data_dir: std::path::PathBuf) -> AppState {
        let keys = DeviceKeys::load();
        let history = keys.history.as_ref().map(|k| History::new(data_dir.join("history.bin"), k));
        let settings_path = data_dir.join("settings.json");
        AppState {
            last_bundle: Mutex::new(None),
            cancel: Arc::new(AtomicBool::new(false)),
            keys,
            history,
            settings: Mutex::new(Settings::load(&settings_path)),
            settings_path,
        }
    }
}
