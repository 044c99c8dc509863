//! The public inputs of a zkDx proof, in order:
//!
//! | field elements | what |
//! |---|---|
//! | 8 | the model digest, as 32-bit little-endian limbs (constants of the circuit) |
//! | 4 | the input commitment: Poseidon(quantised input ‖ 4-element salt) |
//! | n | the model's outputs (logits or scores) at scale 2^k, signed |
//! | 1 | the label (classifiers only) |

use crate::error::CircuitError;
use crate::field::{to_signed, F};
use plonky2::field::types::PrimeField64;

/// Field elements holding the digest.
pub const DIGEST_LIMBS: usize = 8;
/// Field elements holding the input commitment.
pub const COMMITMENT_LEN: usize = 4;

/// Where things sit among the public inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLayout {
    /// Number of outputs.
    pub outputs: usize,
    /// Whether a label follows the outputs.
    pub has_label: bool,
}

impl PublicLayout {
    /// Total number of public inputs.
    pub fn len(&self) -> usize {
        DIGEST_LIMBS + COMMITMENT_LEN + self.outputs + usize::from(self.has_label)
    }

    /// Whether there are none (never, for a zkDx circuit).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Read public inputs.
    pub fn decode(&self, public: &[F]) -> Result<PublicValues, CircuitError> {
        if public.len() != self.len() {
            return Err(CircuitError::PublicValues(format!(
                "{} public inputs where this model has {}",
                public.len(),
                self.len()
            )));
        }
        let mut digest_limbs = [0u32; DIGEST_LIMBS];
        for (d, f) in digest_limbs.iter_mut().zip(&public[..DIGEST_LIMBS]) {
            *d = u32::try_from(f.to_canonical_u64())
                .map_err(|_| CircuitError::PublicValues("a digest limb is not 32 bits".into()))?;
        }
        let mut commitment = [0u64; COMMITMENT_LEN];
        for (c, f) in commitment.iter_mut().zip(&public[DIGEST_LIMBS..DIGEST_LIMBS + COMMITMENT_LEN]) {
            *c = f.to_canonical_u64();
        }
        let start = DIGEST_LIMBS + COMMITMENT_LEN;
        let outputs = public[start..start + self.outputs]
            .iter()
            .map(|&f| i64::try_from(to_signed(f)).map_err(|_| CircuitError::PublicValues("output out of range".into())))
            .collect::<Result<Vec<_>, _>>()?;
        let label = if self.has_label {
            let l = public[start + self.outputs].to_canonical_u64();
            Some(usize::try_from(l).map_err(|_| CircuitError::PublicValues("label out of range".into()))?)
        } else {
            None
        };
        Ok(PublicValues { digest_limbs, commitment, outputs, label })
    }
}

/// The public values of a proof, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicValues {
    /// The model digest's limbs (compare with `ModelDigest::limbs`).
    pub digest_limbs: [u32; DIGEST_LIMBS],
    /// The input commitment.
    pub commitment: [u64; COMMITMENT_LEN],
    /// The outputs at scale 2^k.
    pub outputs: Vec<i64>,
    /// The label, for classifiers.
    pub label: Option<usize>,
}
