//! The app's settings, kept in `settings.json` in its data folder (not secret: paths only):
//! which trust list the clinician's verdicts use.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zkdx_model::io::write_atomically;

/// What the user chose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The institution's trust list; `None`: the one zkDx ships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_list: Option<PathBuf>,
}

impl Settings {
    /// Read the settings at `path`; missing or unreadable settings are the defaults (the
    /// next save replaces an unreadable file).
    pub fn load(path: &Path) -> Settings {
        std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Write them atomically.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        write_atomically(path, &bytes).map_err(|e| format!("cannot save the settings to {}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_bad_files_fall_back_to_defaults() {
        let dir = std::env::temp_dir().join(format!("zkdx-settings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(std::fs::create_dir_all(&dir).is_ok());
        let path = dir.join("settings.json");
        assert_eq!(Settings::load(&path), Settings::default());
        let s = Settings { trust_list: Some(PathBuf::from("/etc/hospital/trust.json")) };
        assert_eq!(s.save(&path), Ok(()));
        assert_eq!(Settings::load(&path), s);
        assert_eq!(std::fs::write(&path, "not json").ok(), Some(()));
        assert_eq!(Settings::load(&path), Settings::default());
    }
}
