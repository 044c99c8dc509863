//! The local history of diagnoses: result, bundle, salt, time (never the raw input),
//! encrypted at rest with ChaCha20-Poly1305 under a key from the OS keyring, written
//! atomically. A file that fails authentication is kept aside, never overwritten.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zkdx_model::io::write_atomically;

const MAGIC: &[u8] = b"ZKDXHIST1";

/// One diagnosis in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When the proof was made.
    pub created_at: String,
    /// The model's id and name.
    pub model: String,
    /// The result in words.
    pub result: String,
    /// The salt that opens the bundle's input commitment.
    pub salt: String,
    /// The bundle (JSON).
    pub bundle: String,
}

/// The encrypted history file.
pub struct History {
    path: PathBuf,
    cipher: ChaCha20Poly1305,
}

impl History {
    /// The history at `path`, under `key`.
    pub fn new(path: PathBuf, key: &[u8; 32]) -> History {
        History { path, cipher: ChaCha20Poly1305::new(key.into()) }
    }

    /// Every entry; an empty list if there is no file yet. A file that cannot be
    /// authenticated is renamed aside (`.unreadable-<time>`) and reported.
    pub fn load(&self) -> Result<Vec<HistoryEntry>, String> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("cannot read the history: {e}")),
        };
        match self.decrypt(&bytes) {
            Some(entries) => Ok(entries),
            None => {
                let aside = self.set_aside()?;
                Err(format!(
                    "the history file could not be authenticated (it was damaged, or the keyring key changed); it was kept as {} and a new history was started",
                    aside.display()
                ))
            }
        }
    }

    fn decrypt(&self, bytes: &[u8]) -> Option<Vec<HistoryEntry>> {
        let rest = bytes.strip_prefix(MAGIC)?;
        if rest.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = rest.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), ciphertext).ok()?;
        serde_json::from_slice(&plain).ok()
    }

    fn set_aside(&self) -> Result<PathBuf, String> {
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let aside = self.path.with_extension(format!("unreadable-{stamp}"));
        std::fs::rename(&self.path, &aside).map_err(|e| format!("cannot set the damaged history aside: {e}"))?;
        Ok(aside)
    }

    /// Add an entry (newest first) and save.
    pub fn append(&self, entry: HistoryEntry) -> Result<(), String> {
        let mut entries = self.load()?;
        entries.insert(0, entry);
        self.save(&entries)
    }

    fn save(&self, entries: &[HistoryEntry]) -> Result<(), String> {
        let plain = serde_json::to_vec(entries).map_err(|e| e.to_string())?;
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_slice())
            .map_err(|_| "encryption failed".to_string())?;
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        write_atomically(&self.path, &out).map_err(|e| format!("cannot save the history: {e}"))
    }

    /// Entry `index` (newest first), if it is still the one made at `created_at` (the
    /// list may have changed since the UI showed it).
    pub fn entry(&self, index: usize, created_at: &str) -> Result<HistoryEntry, String> {
        self.load()?
            .into_iter()
            .nth(index)
            .filter(|e| e.created_at == created_at)
            .ok_or_else(|| "that history entry changed since it was shown; open the history again".to_string())
    }

    /// Delete entry `index` (newest first) if it is still the one made at `created_at`.
    pub fn remove(&self, index: usize, created_at: &str) -> Result<(), String> {
        let mut entries = self.load()?;
        if entries.get(index).map(|e| e.created_at.as_str()) != Some(created_at) {
            return Err("that history entry changed since it was shown; open the history again".to_string());
        }
        entries.remove(index);
        self.save(&entries)
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> HistoryEntry {
        HistoryEntry {
            created_at: "2026-11-25T21:00:00Z".into(),
            model: "breast-cancer".into(),
            result: "malignant (malignant 99.9%, benign 0.1%)".into(),
            salt: "617e6c81ed0a3ee332edd25ef2e06a06db63b023d1eb2eab14f32ac91a1167f0".into(),
            bundle: "{\"format\": \"zkdx-proof-bundle\"}".into(),
        }
    }

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("zkdx-history-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn an_entry_is_found_and_deleted_only_while_it_is_the_one_shown() {
        let h = History::new(dir("remove").join("history.bin"), &[9; 32]);
        let mut older = entry();
        older.created_at = "2026-11-25T08:00:00Z".into();
        h.append(older.clone()).unwrap();
        h.append(entry()).unwrap();
        assert_eq!(h.entry(1, &older.created_at).unwrap(), older);
        assert!(h.entry(0, &older.created_at).is_err(), "index and time must agree");
        assert!(h.remove(0, &older.created_at).is_err());
        h.remove(1, &older.created_at).unwrap();
        assert_eq!(h.load().unwrap(), vec![entry()]);
    }

    #[test]
    fn history_on_disk_holds_neither_result_nor_salt_in_the_clear() {
        let d = dir("clear");
        let h = History::new(d.join("history.bin"), &[3u8; 32]);
        h.append(entry()).unwrap();
        h.append(entry()).unwrap();
        let bytes = std::fs::read(h.path()).unwrap();
        let e = entry();
        for secret in [e.result.as_bytes(), e.salt.as_bytes(), b"malignant", b"breast-cancer", b"zkdx-proof-bundle"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{:?} in the clear",
                String::from_utf8_lossy(secret)
            );
        }
        assert_eq!(h.load().unwrap(), vec![entry(), entry()]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn an_unauthenticated_history_is_set_aside_not_overwritten() {
        let d = dir("aside");
        let h = History::new(d.join("history.bin"), &[3u8; 32]);
        h.append(entry()).unwrap();
        let original = std::fs::read(h.path()).unwrap();
        let other_key = History::new(d.join("history.bin"), &[4u8; 32]);
        let err = other_key.load().unwrap_err();
        assert!(err.contains("could not be authenticated"), "{err}");
        let kept: Vec<_> = std::fs::read_dir(&d).unwrap().flatten().map(|e| e.path()).collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(std::fs::read(&kept[0]).unwrap(), original, "the damaged file is kept byte for byte");
        assert_eq!(other_key.load().unwrap(), vec![], "a new history starts");
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// Not a test on its own: the child process of `a_kill_during_save_leaves_a_readable_history`,
    /// appending entries as fast as it can until it is killed.
    #[test]
    #[ignore = "run only as the child of the kill test"]
    fn writer_until_killed() {
        let Some(path) = std::env::var_os("ZKDX_KILL_TEST_HISTORY") else { return };
        let h = History::new(PathBuf::from(path), &[6u8; 32]);
        loop {
            h.append(entry()).unwrap();
        }
    }

    #[test]
    fn a_kill_during_save_leaves_a_readable_history() {
        let d = dir("kill");
        let path = d.join("history.bin");
        let h = History::new(path.clone(), &[6u8; 32]);
        let mut last = 0;
        for round in 0..12u64 {
            let mut child = std::process::Command::new(std::env::current_exe().unwrap())
                .args(["history::tests::writer_until_killed", "--exact", "--ignored", "--nocapture"])
                .env("ZKDX_KILL_TEST_HISTORY", &path)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(150 + 37 * round));
            child.kill().unwrap();
            child.wait().unwrap();
            let entries =
                h.load().unwrap_or_else(|e| panic!("round {round}: the history is unreadable after a kill: {e}"));
            assert!(entries.len() >= last, "round {round}: entries were lost");
            last = entries.len();
        }
        assert!(last > 0, "the writer never saved");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
