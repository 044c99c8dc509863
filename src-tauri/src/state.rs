//! What the app keeps between commands: each proof's own state (its cancel flag while it
//! runs, its bundle once made, until the app closes), the device keys, the history and the
//! settings (the trust list).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use zkdx_bundle::ProofBundle;

use crate::history::History;
use crate::keys::DeviceKeys;
use crate::settings::Settings;

/// Shared app state.
pub struct AppState {
    /// Every proof of this session, by id.
    pub proofs: Proofs,
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
            proofs: Proofs::default(),
            keys,
            history,
            settings: Mutex::new(Settings::load(&settings_path)),
            settings_path,
        }
    }
}

/// The most finished bundles kept for saving; older ones are dropped (they are in the
/// history, when there is one).
pub const KEPT_BUNDLES: usize = 32;

/// One proof: running (with its cancel flag) or finished (with its bundle).
enum Job<T> {
    Running(Arc<AtomicBool>),
    Finished(Box<T>),
}

/// The proofs of this session, each with its own id, cancel flag and result (a bundle), so
/// that two proofs at once never share either.
pub struct Proofs<T = ProofBundle> {
    jobs: Mutex<(u64, BTreeMap<u64, Job<T>>)>,
}

impl<T> Default for Proofs<T> {
    fn default() -> Self {
        Proofs { jobs: Mutex::new((0, BTreeMap::new())) }
    }
}

impl<T: Clone> Proofs<T> {
    fn jobs(&self) -> std::sync::MutexGuard<'_, (u64, BTreeMap<u64, Job<T>>)> {
        // a panic while holding this lock leaves the map consistent (every update is one
        // insert or remove), so a poisoned lock is still usable
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new running proof: its id and the cancel flag it polls.
    pub fn start(&self) -> (u64, Arc<AtomicBool>) {
        let mut jobs = self.jobs();
        jobs.0 += 1;
        let id = jobs.0;
        let flag = Arc::new(AtomicBool::new(false));
        jobs.1.insert(id, Job::Running(flag.clone()));
        (id, flag)
    }

    /// Ask the running proof `id` to stop; false if no such proof is running.
    pub fn cancel(&self, id: u64) -> bool {
        match self.jobs().1.get(&id) {
            Some(Job::Running(flag)) => {
                flag.store(true, Ordering::SeqCst);
                true
            }
            _ => false,
        }
    }

    /// Keep the bundle of proof `id` for saving (dropping the oldest beyond
    /// [`KEPT_BUNDLES`]).
    pub fn finish(&self, id: u64, bundle: T) {
        let mut jobs = self.jobs();
        jobs.1.insert(id, Job::Finished(Box::new(bundle)));
        let finished: Vec<u64> =
            jobs.1.iter().filter(|(_, j)| matches!(j, Job::Finished(_))).map(|(&id, _)| id).collect();
        for old in finished.iter().take(finished.len().saturating_sub(KEPT_BUNDLES)) {
            jobs.1.remove(old);
        }
    }

    /// Forget proof `id` (cancelled or failed).
    pub fn forget(&self, id: u64) {
        self.jobs().1.remove(&id);
    }

    /// The bundle of finished proof `id`.
    pub fn bundle(&self, id: u64) -> Option<T> {
        match self.jobs().1.get(&id) {
            Some(Job::Finished(b)) => Some((**b).clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> String {
        "a bundle".into()
    }

    #[test]
    fn each_proof_has_its_own_cancel_flag_and_result() {
        let p = Proofs::<String>::default();
        let (a, flag_a) = p.start();
        let (b, flag_b) = p.start();
        assert_ne!(a, b);
        assert!(p.cancel(a));
        assert!(flag_a.load(Ordering::SeqCst) && !flag_b.load(Ordering::SeqCst), "cancelling a leaves b running");
        p.forget(a);
        assert!(!p.cancel(a), "a is gone");
        assert!(p.bundle(b).is_none(), "b has no result yet");
        p.finish(b, bundle());
        assert!(p.bundle(b).is_some() && p.bundle(a).is_none());
        assert!(!p.cancel(b), "a finished proof cannot be cancelled");
    }

    #[test]
    fn only_the_latest_bundles_are_kept() {
        let p = Proofs::<String>::default();
        let ids: Vec<u64> = (0..KEPT_BUNDLES + 3).map(|_| p.start().0).collect();
        for &id in &ids {
            p.finish(id, bundle());
        }
        assert!(ids[..3].iter().all(|&id| p.bundle(id).is_none()));
        assert!(ids[3..].iter().all(|&id| p.bundle(id).is_some()));
    }
}
