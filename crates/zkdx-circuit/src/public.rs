//! The public inputs of a zkDx proof, in order:
//!
//! | field elements | what |
//! |---|---|
//! | 8 | the model digest, as 32-bit little-endian limbs (constants of the circuit) |
//! | 4 | the input commitment: Poseidon(quantised input ‖ 4-element salt) |
//!
//! then, by [`Disclosure`]:
//!
//! | disclosure | classifier | regression |
//! |---|---|---|
//! | `exact` | the n outputs (logits at scale 2^k, signed), the label | the n scores at 2^k |
//! | `coarse` | the label, each class's whole percent | the n scores in steps of the resolution |
//! | `label` | the label | (refused: no bands yet) |

use crate::error::CircuitError;
use crate::field::{to_signed, F};
use plonky2::field::types::PrimeField64;
use zkdx_model::Disclosure;

/// Field elements holding the digest.
pub const DIGEST_LIMBS: usize = 8;
/// Field elements holding the input commitment.
pub const COMMITMENT_LEN: usize = 4;

/// Where things sit among the public inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLayout {
    /// What the proof discloses.
    pub disclosure: Disclosure,
    /// Number of model outputs.
    pub outputs: usize,
    /// Number of classes (0 for a regression).
    pub classes: usize,
}

impl PublicLayout {
    /// Total number of public inputs.
    pub fn len(&self) -> usize {
        let classifier = usize::from(self.classes > 0);
        DIGEST_LIMBS
            + COMMITMENT_LEN
            + match self.disclosure {
                Disclosure::Exact => self.outputs + classifier,
                Disclosure::Coarse if self.classes > 0 => 1 + self.classes,
                Disclosure::Coarse => self.outputs,
                Disclosure::Label => classifier,
            }
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
        let mut rest = public[DIGEST_LIMBS + COMMITMENT_LEN..].iter().copied();
        let mut take = |n: usize| -> Vec<F> { rest.by_ref().take(n).collect() };
        let signed = |fs: Vec<F>| -> Result<Vec<i64>, CircuitError> {
            fs.into_iter()
                .map(|f| {
                    i64::try_from(to_signed(f)).map_err(|_| CircuitError::PublicValues("output out of range".into()))
                })
                .collect()
        };
        let label_of = |fs: Vec<F>| -> Result<Option<usize>, CircuitError> {
            fs.first()
                .map(|l| {
                    usize::try_from(l.to_canonical_u64())
                        .map_err(|_| CircuitError::PublicValues("label out of range".into()))
                })
                .transpose()
        };
        let classifier = usize::from(self.classes > 0);
        let mut values = PublicValues {
            digest_limbs,
            commitment,
            disclosure: self.disclosure,
            outputs: Vec::new(),
            label: None,
            percentages: Vec::new(),
            rounded: Vec::new(),
        };
        match self.disclosure {
            Disclosure::Exact => {
                values.outputs = signed(take(self.outputs))?;
                values.label = label_of(take(classifier))?;
            }
            Disclosure::Coarse if self.classes > 0 => {
                values.label = label_of(take(1))?;
                values.percentages = take(self.classes)
                    .into_iter()
                    .map(|f| {
                        u32::try_from(f.to_canonical_u64())
                            .ok()
                            .filter(|&p| p <= 100)
                            .ok_or_else(|| CircuitError::PublicValues("a percentage above 100".into()))
                    })
                    .collect::<Result<_, _>>()?;
            }
            Disclosure::Coarse => values.rounded = signed(take(self.outputs))?,
            Disclosure::Label => values.label = label_of(take(classifier))?,
        }
        Ok(values)
    }
}

/// The public values of a proof, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicValues {
    /// The model digest's limbs (compare with `ModelDigest::limbs`).
    pub digest_limbs: [u32; DIGEST_LIMBS],
    /// The input commitment.
    pub commitment: [u64; COMMITMENT_LEN],
    /// What the proof discloses.
    pub disclosure: Disclosure,
    /// The exact outputs at scale 2^k (`exact` only).
    pub outputs: Vec<i64>,
    /// The label, for classifiers.
    pub label: Option<usize>,
    /// Each class's whole percent (`coarse` classifiers).
    pub percentages: Vec<u32>,
    /// The scores in steps of the resolution (`coarse` regressions).
    pub rounded: Vec<i64>,
}
