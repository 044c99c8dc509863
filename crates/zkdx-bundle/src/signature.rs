//! Device signatures on bundles: Ed25519 over the bundle's compact JSON without its
//! `signature` field. A signature says which device made the bundle; the proof says what
//! was proven. A bundle changed after signing fails the signature check.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::format::ProofBundle;

/// The only signature algorithm.
pub const ALGORITHM: &str = "ed25519";

/// A device signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleSignature {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The device's public key, 64 hex digits.
    pub public_key: String,
    /// The signature, 128 hex digits.
    pub signature: String,
}

/// What the signature check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// No signature.
    Unsigned,
    /// Signed, and the signature holds; the device key's fingerprint.
    Signed(String),
    /// A signature that does not hold, and why.
    Bad(String),
}

/// The bytes a signature covers.
pub fn signing_bytes(bundle: &ProofBundle) -> Vec<u8> {
    let mut unsigned = bundle.clone();
    unsigned.signature = None;
    crate::format::plain_json(&unsigned, false)
}

/// A public key's fingerprint: the first 16 bytes of its SHA-256, hex in groups of four.
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    let h = Sha256::digest(public_key);
    hex::encode(&h[..16])
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

/// Sign `bundle` with a device key (replacing any signature).
pub fn sign(bundle: &mut ProofBundle, key: &SigningKey) {
    let sig = key.sign(&signing_bytes(bundle));
    bundle.signature = Some(BundleSignature {
        algorithm: ALGORITHM.into(),
        public_key: hex::encode(key.verifying_key().as_bytes()),
        signature: hex::encode(sig.to_bytes()),
    });
}

/// Check a bundle's signature.
pub fn check_signature(bundle: &ProofBundle) -> SignatureStatus {
    let Some(s) = &bundle.signature else { return SignatureStatus::Unsigned };
    if s.algorithm != ALGORITHM {
        return SignatureStatus::Bad(format!("unknown signature algorithm `{}`", s.algorithm));
    }
    let Some(pk) = hex::decode(&s.public_key).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
        return SignatureStatus::Bad("the device public key is not 32 bytes of hex".into());
    };
    let Some(sig) = hex::decode(&s.signature).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return SignatureStatus::Bad("the signature is not 64 bytes of hex".into());
    };
    let Ok(key) = VerifyingKey::from_bytes(&pk) else {
        return SignatureStatus::Bad("the device public key is not a valid Ed25519 key".into());
    };
    match key.verify(&signing_bytes(bundle), &Signature::from_bytes(&sig)) {
        Ok(()) => SignatureStatus::Signed(fingerprint(&pk)),
        Err(_) => {
            SignatureStatus::Bad("the device signature does not match: the bundle was changed after signing".into())
        }
    }
}
