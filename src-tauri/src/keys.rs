//! The device's two secrets, kept in the OS keyring (never on disk in the clear): the
//! Ed25519 key that signs bundles, and the key that encrypts the local history.

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!(
    "zkDx keeps its keys in the OS's secret store (Secret Service, macOS Keychain, Windows Credential Manager); \
     this platform has none the app supports, and the keyring crate's mock store would lose every key"
);

use ed25519_dalek::SigningKey;
use keyring::Entry;
use rand::RngCore;

/// Keyring service name.
pub const SERVICE: &str = "org.zkdx.desktop";
const SIGNING: &str = "device-signing-key";
const HISTORY: &str = "history-key";

/// The device keys, or why the keyring could not give them.
pub struct DeviceKeys {
    /// Signs every bundle.
    pub signing: Option<SigningKey>,
    /// Encrypts the history (ChaCha20-Poly1305).
    pub history: Option<[u8; 32]>,
    /// Why the keyring is unavailable, in words for the user.
    pub problem: Option<String>,
}

/// A 32-byte secret from the keyring, created on first use.
fn secret(name: &str) -> Result<[u8; 32], String> {
    let entry = Entry::new(SERVICE, name).map_err(|e| e.to_string())?;
    match entry.get_secret() {
        Ok(bytes) => bytes.try_into().map_err(|_| format!("the keyring entry `{name}` is not a 32-byte key")),
        Err(keyring::Error::NoEntry) => {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            entry.set_secret(&key).map_err(|e| e.to_string())?;
            Ok(key)
        }
        Err(e) => Err(e.to_string()),
    }
}

impl DeviceKeys {
    /// Load (or on first run create) both keys.
    pub fn load() -> DeviceKeys {
        match (secret(SIGNING), secret(HISTORY)) {
            (Ok(s), Ok(h)) => DeviceKeys { signing: Some(SigningKey::from_bytes(&s)), history: Some(h), problem: None },
            (Err(e), _) | (_, Err(e)) => DeviceKeys {
                signing: None,
                history: None,
                problem: Some(format!(
                    "This computer's keyring (its store for secrets) is not available, so zkDx has nowhere safe to keep \
                     its keys. zkDx keeps working, but your bundles are not signed and no history is kept; no key is \
                     ever written to disk. To enable it, start your desktop's keyring (GNOME Keyring or KWallet on \
                     Linux; it normally runs in a desktop session) and open zkDx again. (Details: {e})"
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_created_on_first_run() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        // the mock store keeps nothing between entries: this checks creation and shape
        let keys = DeviceKeys::load();
        assert!(keys.problem.is_none(), "{:?}", keys.problem);
        assert!(keys.signing.is_some() && keys.history.is_some());
    }
}
